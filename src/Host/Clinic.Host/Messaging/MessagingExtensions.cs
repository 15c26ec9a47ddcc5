using MassTransit;

namespace Clinic.Host.Messaging;

/// <summary>The one bus of the host. Modules contribute their consumers; the host owns the transport.</summary>
internal static class MessagingExtensions
{
    public static IHostApplicationBuilder AddClinicMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> addModuleConsumers)
    {
        var rabbitUri = builder.Configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not configured (an amqp:// URI).");

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            addModuleConsumers(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(rabbitUri));
                // Transient faults (SMTP down, a lock conflict) are retried with growing pauses before
                // the message is moved to the endpoint's _error queue.
                rabbit.UseMessageRetry(retry => retry.Exponential(
                    retryLimit: 6,
                    minInterval: TimeSpan.FromMilliseconds(200),
                    maxInterval: TimeSpan.FromSeconds(30),
                    intervalDelta: TimeSpan.FromSeconds(1)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
