using System.Diagnostics;
using System.Text;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Clinic.EndToEndTests;

/// <summary>
/// Each host hears the condition catalogue's and the published content's notices, and the staff feed's items, on
/// temporary queues of its own, named anew at every start. A message the host cannot handle there is dropped: such an
/// endpoint's _error queue is exclusive to the host's connection, so neither the error-queue health check, the erasure's
/// purge nor an operator could read or count it. Nothing is lost that matters: the notices only tell a host to drop a
/// cached copy, which also expires by itself; a feed item only pushes to open browsers what the staff inbox lists
/// anyway.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed class TemporaryQueueFaultTests(ClinicFixture clinic)
{
    /// <remarks>
    /// The consumers themselves cannot fail on demand, so the fault is a message whose body does not fit its type: what a
    /// host of another release could send. The host's handling of it ends with the receive span of its message id.
    /// </remarks>
    [Theory]
    [InlineData("condition-catalog-heard", "Clinic.Modules.Content.Contracts:ConditionCatalogPublished", """{"version":"not a number","conditions":[]}""")]
    [InlineData("published-content-changed", "Clinic.Modules.Content.Contracts:PublishedContentChanged", """{"at":"not a time"}""")]
    [InlineData("staff-feed-item", "Clinic.Modules.Notifications.Feed:StaffFeedItem", """{"submittedAt":"not a time"}""")]
    public async Task A_message_that_faults_on_a_temporary_queue_is_dropped_and_leaves_no_error_queue(string endpoint, string messageType, string message)
    {
        var queue = clinic.App.Services.GetRequiredService<ReceiveEndpointNames>().All
            .Single(n => n.StartsWith(clinic.Schema.Replace('_', '-'), StringComparison.Ordinal) && n.Contains(endpoint, StringComparison.Ordinal));
        var messageId = Guid.NewGuid();
        var envelope = $$"""
            {"messageId":"{{messageId}}","messageType":["urn:message:{{messageType}}"],"message":{{message}}}
            """;

        await using var connection = await ConnectAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = messageId.ToString() };
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, Encoding.UTF8.GetBytes(envelope));
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().Any(s =>
                s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer
                && s.TagObjects.Any(t => string.Equals(t.Value?.ToString(), messageId.ToString(), StringComparison.OrdinalIgnoreCase)))),
            $"the host to have handled the message on {queue}");

        Assert.False(await QueueExistsAsync(connection, queue + "_error"), $"{queue}_error exists: the faulted message was kept.");
        Assert.False(await QueueExistsAsync(connection, queue + "_skipped"), $"{queue}_skipped exists: the message was kept as skipped.");
    }

    private const ushort NotFound = 404;
    private const ushort ResourceLocked = 405;

    private async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(clinic.App.Services.GetRequiredService<IConfiguration>().GetConnectionString("RabbitMq")!) }
            .CreateConnectionAsync();

    private static async Task<bool> QueueExistsAsync(IConnection connection, string queue)
    {
        // A passive declare of a missing queue closes its channel: each probe has its own.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode is NotFound or ResourceLocked)
        {
            // A queue exclusive to the host's connection exists too, though another connection may not declare it.
            return e.ShutdownReason.ReplyCode == ResourceLocked;
        }
    }
}
