using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.ConditionOptions;
using Clinic.Modules.Intake.CrisisLanguage;
using Clinic.Modules.Intake.Daemon;
using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Escalation;
using Clinic.Modules.Intake.Forwarding;
using Clinic.Modules.Intake.OnCall;
using Clinic.Modules.Intake.Privacy;
using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Intake.RecordStaffNotification;
using Clinic.Modules.Intake.ResponseTimes;
using Clinic.Modules.Intake.ScheduleCall;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JasperFx.OpenTelemetry;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake;

/// <summary>Intake's own Marten store (its events and read models, in its own schema): no other module can reach it.</summary>
public interface IIntakeStore : IDocumentStore;

/// <summary>
/// Schedule A Call requests: the form, the event-sourced request history in Marten,
/// forwarding to the other modules, and the auditor's read of that history.
/// </summary>
public static class IntakeModule
{
    /// <param name="connectionString">The host's PostgreSQL connection string; Intake keeps its data in its own schema.</param>
    public static IHostApplicationBuilder AddIntakeModule(this IHostApplicationBuilder builder, string connectionString)
    {
        var schema = builder.Configuration["Intake:Schema"] ?? "intake";

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<SubmitIntakeRequest>();
        builder.Services.AddScoped<Triage.TriageService>();
        builder.Services.AddScoped<ResponseTimesQuery>();
        builder.Services.AddSingleton<ReplayJob>();
        // Loaded eagerly: a broken rule file stops the host at startup, naming the file and the field.
        builder.Services.AddSingleton(CrisisLanguageRules.LoadEmbedded());
        builder.Services.AddResponsePolicy(builder.Configuration);
        builder.Services.AddSingleton<IOnCallRoster, ScheduleRoster>();
        Privacy.PrivacyRegistration.AddPrivacy(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<OnCallSchedules>();
        builder.Services.AddOptions<IntakeAlertOptions>().Bind(builder.Configuration.GetSection(IntakeAlertOptions.Section)).ValidateOnStart();
        builder.Services.AddOptions<DeliveryReportBatchOptions>()
            .Bind(builder.Configuration.GetSection(DeliveryReportBatchOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DeliveryReportBatchOptions>, DeliveryReportBatchOptionsValidator>();
        builder.Services.AddHealthChecks().AddCheck<ForwarderLagHealthCheck>("intake-forwarder-lag", tags: ["ops"]);
        builder.Services.AddSingleton<IntakeMetrics>();
        builder.Services.AddSingleton<DaemonLag>();
        builder.Services.AddSingleton<ConditionChoicesCache>();
        // Before the event store, so the timers' scheduler is up when the daemon first schedules one.
        builder.AddEscalation(connectionString);

        builder.Services.AddMartenStore<IIntakeStore>(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = schema;
                options.OpenTelemetry.TrackConnections = TrackLevel.Normal;

                // Stored under the names first written, whatever the .NET types are called now.
                options.Events.MapEventType<RequestSubmitted>("intake_request_submitted");
                options.Events.AddEventType<SuspectedSpamReceived>();
                options.Events.AddEventType<RequestMarkedUrgent>();
                options.Events.MapEventType<StaffAlerted>("staff_notified");
                options.Events.AddEventType<NotificationFailed>();
                options.Events.AddEventType<RequestAcknowledged>();
                options.Events.AddEventType<RequestAssigned>();
                options.Events.AddEventType<ContactAttempted>();
                options.Events.AddEventType<CallScheduled>();
                options.Events.AddEventType<RequestDeclined>();
                options.Events.AddEventType<RequestClosed>();
                options.Events.AddEventType<NoteAdded>();
                options.Events.AddEventType<SpamCleared>();
                options.Events.AddEventType<ResponseDeadlinesSet>();
                options.Events.AddEventType<EscalationRaised>();
                options.Events.AddEventType<PersonalDataErased>();
                options.Events.AddEventType<LegalHoldPlaced>();
                options.Events.AddEventType<LegalHoldLifted>();
                options.Events.AddEventType<ErasureRequested>();
                options.Events.AddEventType<ErasureApproved>();
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.Events.MetadataConfig.CorrelationIdEnabled = true;
                options.Events.MetadataConfig.CausationIdEnabled = true;
                // Commit → subscription in milliseconds instead of the daemon's polling interval.
                options.Events.UseListenNotifyForEventAppends = true;
                // Leader election for the HotCold daemon through a transaction-scoped advisory lock
                // (the session-level variant needs DistributedLock multiplexing, which Npgsql data sources refuse).
                options.Events.UseAdvisoryLockTransaction = true;

                // Each reader has its own single-stream projection, kept inline so a page shows a change at once.
                // None holds personal data: that stays in the events.
                options.Projections.Snapshot<RequestReceipt>(SnapshotLifecycle.Inline)
                    .UniqueIndex(r => r.Reference);
                options.Projections.Snapshot<InboxEntry>(SnapshotLifecycle.Inline);
                InboxIndexes.Configure(options);
                options.Projections.Snapshot<RequestView>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<AuditEntry>(SnapshotLifecycle.Inline);
                // The response-time page reads whole weeks by when requests entered the flow.
                options.Projections.Snapshot<ResponseRecord>(SnapshotLifecycle.Inline).Index(r => r.EnteredFlowAt);
                options.Projections.Snapshot<Privacy.PrivacyStatus>(SnapshotLifecycle.Inline).Index(s => s.OutcomeAt);
                options.Schema.For<ConditionChoices>().UseOptimisticConcurrency(true);
                options.Schema.For<OnCallSchedule>().UseOptimisticConcurrency(true);
                options.Schema.For<EventSeal>().Index(s => s.StreamId);
                options.Schema.For<Triage.PersonalDataAccess>().Index(a => a.RequestId).Index(a => a.ViewedAt);
                Privacy.PrivacyRegistration.ConfigureKeyTable(options, schema);
            })
            .UseLightweightSessions()
            // Runs before the daemon starts (Marten registers it first), so the daemon never races a migration.
            .ApplyAllDatabaseChangesOnStartup()
            .AddSubscriptionWithServices<IntakeEventForwarder>(ServiceLifetime.Singleton)
            .AddSubscriptionWithServices<AuditSealer>(ServiceLifetime.Singleton)
            .AddSubscriptionWithServices<DeadlineTimers>(ServiceLifetime.Singleton)
            // A web-only replica (Intake:Daemon=Disabled) serves pages and takes submissions but never leads the
            // forwarding, sealing and timers, which one of the full hosts always does (HotCold).
            .AddAsyncDaemon(builder.Configuration.GetValue("Intake:Daemon", DaemonMode.HotCold));
        builder.AddPrivacy(schema);
        // After Marten's own hosted services, so the first measurement finds the schema in place.
        builder.Services.AddHostedService<DaemonLagSampler>();

        return builder;
    }

    /// <summary>Part of <c>migrate</c>: the schema of the escalation timers (Quartz creates its tables in it when it starts).</summary>
    public static Task ApplyTimerSchemaAsync(IServiceProvider services, CancellationToken cancellationToken = default) =>
        EscalationModule.EnsureSchemaAsync(services, cancellationToken);

    public static IBusRegistrationConfigurator AddIntakeConsumers(this IBusRegistrationConfigurator bus)
    {
        // Transient faults here are lock conflicts and brief database blips: retry quickly, then _error.
        static void Transient<T>(IConsumerConfigurator<T> c) where T : class =>
            c.UseMessageRetry(r => r.Exponential(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
        bus.AddConsumer<ConditionCatalogPublishedConsumer>(Transient);
        // A temporary queue of this host's own (a new instance id at every start): every host drops its cached choices.
        // No retry: dropping the copy touches memory alone, so only a notice that can never be read fails, and it fails again.
        var instance = Guid.NewGuid().ToString("N")[..12];
        bus.AddConsumer<ConditionCatalogHeardConsumer>().Endpoint(e =>
        {
            e.Temporary = true;
            e.InstanceId = instance;
            // Faults here are dropped: a temporary endpoint's _error queue is exclusive to this host's connection, so no
            // operator's tool and not the error-queue health check (its probe is refused) can read or count it, and it goes
            // when the connection does. The notices only say "drop your cached copy";
            // a lost notice costs at most the cached choices' 30 s expiry.
            e.AddConfigureEndpointCallback(endpoint =>
            {
                endpoint.DiscardFaultedMessages();
                endpoint.DiscardSkippedMessages();
            });
        });
        // Delivery reports are recorded a batch at a time (one transaction for many requests' reports).
        bus.AddConsumer<StaffNotifiedConsumer>((registration, c) =>
        {
            Transient(c);
            var options = registration.GetRequiredService<IOptions<DeliveryReportBatchOptions>>().Value;
            c.Options<BatchOptions>(batch => batch.SetMessageLimit(options.MessageLimit).SetTimeLimit(options.Window));
        });
        bus.AddConsumer<StaffNotificationFailedConsumer>(Transient);
        return bus;
    }

    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapScheduleCallApi();
        app.MapAuditApi();
        app.MapResponseTimesCsv();
        return app;
    }
}
