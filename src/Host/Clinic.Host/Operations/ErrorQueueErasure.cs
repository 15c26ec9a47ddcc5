using System.Text.Json;
using Clinic.Host.Messaging;
using Clinic.Modules.Intake.Contracts;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Clinic.Host.Operations;

/// <summary>
/// Removes an erased request's messages from every endpoint's <c>_error</c> and <c>_skipped</c> queue (where a visitor's
/// acknowledgement, with their name and address, waits when it could not be sent). Each queue is walked once: a
/// message about the request is dropped, every other one is published back to the end of the same queue (confirmed by
/// the broker) before the original is acknowledged, so nothing else is lost and the queue keeps its order.
/// </summary>
internal static class ErrorQueuePurge
{
    public static IEnumerable<string> QueuesOf(IEnumerable<string> endpoints) => endpoints.SelectMany(e => new[] { e + "_error", e + "_skipped" });

    /// <returns>How many messages were dropped.</returns>
    public static async Task<int> PurgeAsync(Uri broker, IEnumerable<string> queues, Guid requestId, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "clinic-erasure-purge" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var dropped = 0;
        foreach (var queue in queues)
        {
            // A passive declare of a missing queue closes its channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            uint count;
            try
            {
                count = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException)
            {
                continue;
            }

            for (var i = 0u; i < count; i++)
            {
                var message = await channel.BasicGetAsync(queue, autoAck: false, cancellationToken);
                if (message is null)
                {
                    break;
                }

                var body = message.Body.ToArray();
                if (Mentions(body, requestId))
                {
                    dropped++;
                }
                else
                {
                    await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties(message.BasicProperties), body, cancellationToken);
                }

                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            }
        }

        return dropped;
    }

    /// <summary>Whether a message body (a MassTransit envelope, or plain JSON) names the request in a <c>requestId</c> property.</summary>
    public static bool Mentions(ReadOnlySpan<byte> body, Guid requestId)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return Names(document.RootElement, requestId);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Names(JsonElement element, Guid requestId) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p =>
            (p.Name.Equals("requestId", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String
                && Guid.TryParse(p.Value.GetString(), out var id) && id == requestId)
            || Names(p.Value, requestId)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => Names(e, requestId)),
        _ => false,
    };
}

/// <summary>Purges the erased request's messages from this site's error queues (every host's endpoints share them).</summary>
internal sealed partial class ErrorQueueErasureConsumer(IConfiguration configuration, ReceiveEndpointNames endpoints, ILogger<ErrorQueueErasureConsumer> logger)
    : IConsumer<PersonalDataErasureRequested>
{
    public async Task Consume(ConsumeContext<PersonalDataErasureRequested> context)
    {
        var dropped = await ErrorQueuePurge.PurgeAsync(
            new Uri(configuration.GetConnectionString("RabbitMq")!), ErrorQueuePurge.QueuesOf(endpoints.All), context.Message.RequestId, context.CancellationToken);
        LogPurged(logger, context.Message.RequestId, dropped);
    }

    /// <summary>An operator (and a test) can tell the walk is over: until then a reader of the queues races it.</summary>
    [LoggerMessage(LogLevel.Information, "Error queues walked for the erasure of request {RequestId}: {Dropped} of its messages dropped")]
    private static partial void LogPurged(ILogger logger, Guid requestId, int dropped);
}

/// <summary>
/// One purge at a time on a host: each walks a queue by the count it read at the start, so a second purge moving
/// messages to the back of the same queue meanwhile could make the first miss one.
/// </summary>
internal sealed class ErrorQueueErasureConsumerDefinition : ConsumerDefinition<ErrorQueueErasureConsumer>
{
    public ErrorQueueErasureConsumerDefinition() => ConcurrentMessageLimit = 1;
}
