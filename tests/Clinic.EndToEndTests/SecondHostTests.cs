using System.Text;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Clinic.EndToEndTests;

/// <summary>
/// A second host started in this process and then disposed leaves the shared clinic as it found it: its bus stops before
/// its services go, so no consumer of a dead host keeps taking the shared queues' messages and faulting them.
/// </summary>
[Collection(TwoHostsCollection.Name)]
public sealed class SecondHostTests(TwoHostsFixture clinic)
{
    private Uri Broker => new(clinic.App.Services.GetRequiredService<IConfiguration>().GetConnectionString("RabbitMq")!);

    private IReadOnlyList<string> Queues => [.. clinic.App.Services.GetRequiredService<ReceiveEndpointNames>().All
        .Where(n => n.StartsWith(clinic.Schema.Replace('_', '-'), StringComparison.Ordinal))];

    // The second host's bus once never finished starting (its staff feed queue, exclusive, was named after the machine
    // and process, so the first host held it): MassTransit ignores a stop until the start has finished, and it kept them.
    [Fact]
    public async Task A_disposed_second_host_leaves_no_consumer_on_the_shared_queues_and_later_requests_are_alerted_normally()
    {
        var before = await ConsumersAsync();
        await using (var second = clinic.StartSecondHost())
        {
            await Eventually.TrueAsync(async () => (await ConsumersAsync()).Values.Sum() > before.Values.Sum(), "the second host to consume from the shared queues");
        }

        // Disposal has returned: the second host's consumers are gone, not left on a disposed service provider.
        Assert.Equal(before, await ConsumersAsync());

        // Several requests, so a left-over consumer would have had its turn at their messages.
        foreach (var name in new[] { "Ana", "Ben", "Cleo" })
        {
            await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: name));
        }

        foreach (var queue in Queues)
        {
            var faults = await FaultTypesAsync(queue + "_error");
            Assert.DoesNotContain(faults, f => f.Contains(nameof(ObjectDisposedException), StringComparison.Ordinal));
        }
    }

    private async Task<Dictionary<string, int>> ConsumersAsync()
    {
        var factory = new ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        var counts = new Dictionary<string, int>();
        foreach (var queue in Queues)
        {
            // A passive declare of a host's own exclusive queue closes the channel: one channel per queue, and those skipped.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                counts[queue] = (int)(await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }
        }

        return counts;
    }

    /// <summary>The exception types MassTransit recorded on an error queue's messages, which stay in the queue.</summary>
    private async Task<List<string>> FaultTypesAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var types = new List<string>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
            {
                types.Add(message.BasicProperties.Headers?.TryGetValue("MT-Fault-ExceptionType", out var type) == true && type is byte[] bytes
                    ? Encoding.UTF8.GetString(bytes)
                    : "");
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // No error queue: nothing has faulted there.
        }

        // Closing the channel returns every unacknowledged message to the queue.
        return types;
    }
}
