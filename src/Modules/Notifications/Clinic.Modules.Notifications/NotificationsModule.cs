using Clinic.Modules.Notifications.AcknowledgeVisitor;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.Email;
using Clinic.Modules.Notifications.Feed;
using Clinic.Modules.Notifications.NotifyStaff;
using Clinic.Modules.Notifications.Webhooks;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications;

/// <summary>The delivery log's own Marten store, in Notifications' own schema.</summary>
public interface INotificationsStore : IDocumentStore;

/// <summary>Tells staff about new requests through the routed channels and reports every delivery back.</summary>
public static class NotificationsModule
{
    /// <summary>Retry schedule of one delivery: enough to ride out an SMTP or webhook outage of several minutes.</summary>
    private static readonly TimeSpan[] DeliveryRetries =
        [.. new[] { 1, 2, 5, 10, 20, 30, 60, 60, 120, 180, 300 }.Select(s => TimeSpan.FromSeconds(s))];

    /// <summary>How many times a delivery is retried after its first attempt: the last attempt's number.</summary>
    internal static int DeliveryRetryLimit => DeliveryRetries.Length;

    /// <param name="connectionString">The host's PostgreSQL connection string; the delivery log lives in its own schema.</param>
    public static IHostApplicationBuilder AddNotificationsModule(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddOptions<NotificationsOptions>()
            .Configure(options =>
            {
                // The clinic's one wall clock, unless Notifications is given its own below.
                options.TimeZone = builder.Configuration["Intake:ResponsePolicy:TimeZone"] ?? options.TimeZone;
                options.TimeZoneName = builder.Configuration["Intake:ResponsePolicy:TimeZoneName"] ?? options.TimeZoneName;
            })
            .Bind(builder.Configuration.GetSection(NotificationsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SmtpMailer>();
        builder.Services.AddSingleton<DeliveryLog>();
        builder.Services.AddSingleton<NotificationsMetrics>();
        // Made at startup rather than at the first delivery, so the failure counters' zero series are there from the first scrape.
        builder.Services.AddHostedService<NotificationsMetricsActivation>();
        // After a restore, alerts the restored log says were sent are reported again, so every history shows them.
        builder.Services.AddHostedService<DeliveryReportReconciliation>();
        builder.Services.AddSingleton<StaffFeedHub>();
        // No request logging: Slack/Teams-style webhook URLs carry their secret in the path.
        builder.Services.AddHttpClient(WebhookChannel.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .RemoveAllLoggers();

        // Every channel in this module (e-mail, signed webhooks, the live staff feed) is found by scanning.
        builder.Services.Scan(scan => scan
            .FromAssemblyOf<INotificationChannel>()
            .AddClasses(classes => classes.AssignableTo<INotificationChannel>(), publicOnly: false)
            .As<INotificationChannel>()
            .WithSingletonLifetime());

        var schema = builder.Configuration[$"{NotificationsOptions.Section}:Schema"] ?? "notifications";
        builder.Services.AddMartenStore<INotificationsStore>(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = schema;
                // A delivery's claim, send and completion run on one pooled connection rather than three, each of
                // which cost a DISCARD ALL on its return (docs/benchmarks.md, counts). The connection stays checked
                // out during the send, which DeliveryLog.SendDeadline bounds.
                options.UseStickyConnectionLifetimes = true;
                // A column on DeliveredAt (DeliveryRecord.ConfigureMarten) and one partial index on (delivered_at, id): the
                // start-up reconciliation reads the latest delivery, then the last hour before it in keyset pages, both from
                // this index; without it, a scan of the whole log. An index on delivered_at alone would serve neither.
                options.Schema.For<DeliveryRecord>().UseOptimisticConcurrency(true)
                    .Index([r => r.DeliveredAt!, r => r.Id], i => i.Predicate = "delivered_at is not null");
            })
            .ApplyAllDatabaseChangesOnStartup();
        return builder;
    }

    public static IBusRegistrationConfigurator AddNotificationsConsumers(this IBusRegistrationConfigurator bus)
    {
        // Routing and reporting only touch the broker: retry briefly, then _error.
        static void Brief<T>(IConsumerConfigurator<T> c) where T : class =>
            c.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1)));

        // Sending to a person rides out an SMTP or webhook outage; a refusal for good fails at once.
        static void Deliveries<T>(IConsumerConfigurator<T> c) where T : class => c.UseMessageRetry(r =>
        {
            r.Intervals(DeliveryRetries);
            r.Ignore<PermanentDeliveryFailure>();
        });

        bus.AddConsumer<IntakeRequestSubmittedConsumer>(Brief);
        bus.AddConsumer<Escalate.RequestEscalatedConsumer>(Brief);
        // One queue per channel, fed by sends only (no exchange binding): a channel's outage delays only itself.
        bus.AddConsumer<DeliverEmailAlertConsumer>(Deliveries).Endpoint(e => e.ConfigureConsumeTopology = false);
        bus.AddConsumer<DeliverWebhookAlertConsumer>(Deliveries).Endpoint(e => e.ConfigureConsumeTopology = false);
        bus.AddConsumer<DeliverFeedAlertConsumer>(Deliveries).Endpoint(e => e.ConfigureConsumeTopology = false);
        bus.AddConsumer<DeliveryFaultConsumer>(Brief);
        bus.AddConsumer<Erasure.PersonalDataErasureRequestedConsumer>(Brief);
        bus.AddConsumer<VisitorAcknowledgementRequestedConsumer>(Deliveries);
        bus.AddConsumer<AccountMail.StaffAccountMailRequestedConsumer>(Deliveries);
        // A temporary queue per host: every host's connected staff browsers get every feed item. The queue is exclusive
        // to the host's connection, so its name is new at every start: two hosts of one machine name and process id (two
        // in one process, or containers sharing the host's network, both process 1) would otherwise name the same queue,
        // and the second would be refused it for good, its bus never started and so never stopped.
        var instance = Guid.NewGuid().ToString("N")[..12];
        bus.AddConsumer<StaffFeedItemConsumer>().Endpoint(e =>
        {
            e.Temporary = true;
            e.InstanceId = instance;
            // A fault here (an item or change hint the host cannot read) is dropped, and so is a skipped message, as on
            // Content's and Intake's temporary queues: this endpoint's _error queue would be exclusive to the host's
            // connection, out of reach of the error-queue health check, the erasure's purge and any operator, so nobody
            // could have moved it back; the request is in the staff inbox either way.
            e.AddConfigureEndpointCallback(endpoint =>
            {
                endpoint.DiscardFaultedMessages();
                endpoint.DiscardSkippedMessages();
            });
        });
        return bus;
    }

    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapStaffFeed();
        return app;
    }
}
