using System.Text;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Messaging;
using Clinic.Modules.Intake.Domain;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.EndToEndTests;

/// <summary>Delivery reports are recorded a batch at a time; one report that cannot be recorded must not fault the others.</summary>
[Collection(ClinicCollection.Name)]
public sealed class DeliveryReportBatchTests(ClinicFixture clinic)
{
    /// <summary>The retries of the report consumer (exponential, up to 30 s apart) take about a minute and a half.</summary>
    private static readonly TimeSpan RetriesUsedUp = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_report_that_keeps_failing_ends_in_the_error_queue_alone_and_its_batchmates_are_recorded()
    {
        var (_, requestId) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Batchmate"));

        // A report for a request with no history (it can never be recorded) published together with several good ones,
        // so that they are consumed as one batch.
        var poisonId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var poison = new Integration.StaffNotified(poisonId, "KC-P0ISON-00000", "email", "poison@clinic.invalid", now);
        var good = Enumerable.Range(1, 6)
            .Select(i => new Integration.StaffNotified(requestId, "ignored", "email", $"batchmate{i}@clinic.invalid", now))
            .ToList();
        await clinic.App.Services.GetRequiredService<IBus>().PublishBatch([poison, .. good]);

        await Eventually.TrueAsync(
            async () => (await clinic.EventsAsync(requestId)).OfType<StaffAlerted>().Count(a => a.Recipient.StartsWith("batchmate", StringComparison.Ordinal)) == good.Count,
            "the good reports to be recorded");

        var errorQueue = clinic.App.Services.GetRequiredService<ReceiveEndpointNames>().All
            .Single(n => n.StartsWith(clinic.Schema.Replace('_', '-'), StringComparison.Ordinal) && n.EndsWith("staff-notified", StringComparison.Ordinal)) + "_error";
        var faulted = await Eventually.GetAsync(
            async () => await QueueBodiesAsync(errorQueue) is var bodies && bodies.Any(b => b.Contains(poisonId.ToString(), StringComparison.OrdinalIgnoreCase)) ? bodies : null,
            "the failing report to reach the error queue once its retries are used up",
            RetriesUsedUp);

        Assert.Single(faulted, b => b.Contains(poisonId.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(faulted, b => b.Contains(requestId.ToString(), StringComparison.OrdinalIgnoreCase));
        // Recorded once each, and the history holds nothing of the failing report.
        var alerts = (await clinic.EventsAsync(requestId)).OfType<StaffAlerted>().ToList();
        Assert.All(good, g => Assert.Single(alerts, a => a.Recipient == g.Recipient));
    }

    /// <summary>The bodies of a queue's messages, which stay in the queue.</summary>
    private async Task<List<string>> QueueBodiesAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(clinic.App.Services.GetRequiredService<IConfiguration>().GetConnectionString("RabbitMq")!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var bodies = new List<string>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
            {
                bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // No error queue yet: nothing has faulted there.
        }

        // Closing the channel returns every unacknowledged message to the queue.
        return bodies;
    }
}
