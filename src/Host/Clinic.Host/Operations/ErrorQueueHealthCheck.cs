using Clinic.Host.Messaging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Clinic.Host.Operations;

/// <summary>
/// Poison messages end in each endpoint's "_error" queue once retries are exhausted. Degraded while any
/// holds messages, so operators notice; it never affects readiness (the site still works).
/// </summary>
internal sealed class ErrorQueueHealthCheck(IConfiguration configuration, ReceiveEndpointNames endpoints) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, object>();
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(configuration.GetConnectionString("RabbitMq")!), ClientProvidedName = "clinic-ops-probe" };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            foreach (var queue in endpoints.All.Select(name => name + "_error"))
            {
                // A passive declare on a missing queue closes the channel, so each probe gets its own.
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                    counts[queue] = declared.MessageCount;
                }
                catch (OperationInterruptedException)
                {
                    counts[queue] = 0u;
                }
            }
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("RabbitMQ is unreachable; error queues could not be counted.", e);
        }

        var poisoned = counts.Where(c => Convert.ToUInt32(c.Value, System.Globalization.CultureInfo.InvariantCulture) > 0).Select(c => c.Key).ToList();
        return poisoned.Count == 0
            ? HealthCheckResult.Healthy("No messages in error queues.", counts)
            : HealthCheckResult.Degraded($"Messages waiting in {string.Join(", ", poisoned)}.", data: counts);
    }
}
