using Clinic.Modules.Notifications.NotifyStaff;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Clinic.Modules.Notifications;

/// <summary>Tells staff about new requests and reports every delivery back to Intake.</summary>
public static class NotificationsModule
{
    public static IHostApplicationBuilder AddNotificationsModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationsOptions>()
            .Bind(builder.Configuration.GetSection(NotificationsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Email.SmtpMailer>();

        // Every channel in this module (e-mail today; webhooks and the live feed later) is found by scanning.
        builder.Services.Scan(scan => scan
            .FromAssemblyOf<INotificationChannel>()
            .AddClasses(classes => classes.AssignableTo<INotificationChannel>(), publicOnly: false)
            .As<INotificationChannel>()
            .WithSingletonLifetime());
        return builder;
    }

    public static IBusRegistrationConfigurator AddNotificationsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<IntakeRequestSubmittedConsumer>();
        bus.AddConsumer<AcknowledgeVisitor.VisitorAcknowledgementRequestedConsumer>();
        return bus;
    }

    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder app) => app;
}
