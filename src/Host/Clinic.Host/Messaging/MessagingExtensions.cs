using MassTransit;

namespace Clinic.Host.Messaging;

/// <summary>The receive endpoints (queues) this host configured, so operators can see their _error queues.</summary>
internal sealed class ReceiveEndpointNames
{
    private readonly HashSet<string> _names = [];

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_names)
            {
                return [.. _names.Order()];
            }
        }
    }

    public void Add(string name)
    {
        lock (_names)
        {
            _names.Add(name);
        }
    }
}

/// <summary>The one bus of the host. Modules contribute their consumers (each with its own retry policy); the host owns the transport.</summary>
internal static class MessagingExtensions
{
    public static IHostApplicationBuilder AddClinicMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> addModuleConsumers)
    {
        var rabbitUri = builder.Configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not configured (an amqp:// URI).");
        var endpoints = new ReceiveEndpointNames();
        builder.Services.AddSingleton(endpoints);

        // A prefix gives a test run (or a second environment on one broker) its own queues.
        var prefix = builder.Configuration["Messaging:EndpointPrefix"];

        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit otherwise reports usage to its vendor over the internet; a clinic's host calls out to no one.
            bus.DisableUsageTelemetry();
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, includeNamespace: false));
            bus.AddConfigureEndpointsCallback((_, name, _) => endpoints.Add(name));
            addModuleConsumers(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                // Publisher confirms are on by default: a publish completes only once the broker has the message.
                rabbit.Host(new Uri(rabbitUri));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
