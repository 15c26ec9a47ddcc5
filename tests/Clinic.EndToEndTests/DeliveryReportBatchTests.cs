using System.Diagnostics;
using System.Globalization;
using System.Text;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Messaging;
using Clinic.Modules.Intake.Domain;
using MassTransit;
using MassTransit.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.EndToEndTests;

[CollectionDefinition(Name)]
public sealed class DeliveryReportBatchCollection : ICollectionFixture<DeliveryReportBatchFixture>
{
    public const string Name = "delivery-report-batch";
}

/// <summary>
/// A host of its own whose delivery-report batches wait up to five seconds for seven reports: the seven a test publishes
/// at once then reliably make one batch, which the default 50 ms window does not promise on a busy machine. The shared
/// clinic keeps the default, so its tests do not wait out a long window for every submission's reports.
/// </summary>
public sealed class DeliveryReportBatchFixture : ClinicFixture
{
    public const int ReportsPerBatch = 7;

    protected override void Configure(IDictionary<string, string> settings)
    {
        settings["Intake:DeliveryReportBatch:Window"] = "00:00:05";
        settings["Intake:DeliveryReportBatch:MessageLimit"] = ReportsPerBatch.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Delivery reports are recorded a batch at a time; one report that cannot be recorded must not fault the others.</summary>
[Collection(DeliveryReportBatchCollection.Name)]
public sealed class DeliveryReportBatchTests(DeliveryReportBatchFixture clinic)
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
        var good = Enumerable.Range(1, DeliveryReportBatchFixture.ReportsPerBatch - 1)
            .Select(i => new Integration.StaffNotified(requestId, "ignored", "email", $"batchmate{i}@clinic.invalid", now))
            .ToList();
        // Each report's publish is told apart by the message id it is given here: a retried publish keeps it, and any
        // other span (in this trace or not) carries another.
        List<Integration.StaffNotified> reports = [poison, .. good];
        var messageIds = reports.ToDictionary(r => r, _ => NewId.NextGuid());
        // In a sampled trace, so that the publishes are traced.
        using (StartTrace())
        {
            await clinic.App.Services.GetRequiredService<IBus>().PublishBatch(reports, context => context.MessageId = messageIds[context.Message]);
        }

        await Eventually.TrueAsync(
            async () => (await clinic.EventsAsync(requestId)).OfType<StaffAlerted>().Count(a => a.Recipient.StartsWith("batchmate", StringComparison.Ordinal)) == good.Count,
            "the good reports to be recorded");

        var queue = clinic.App.Services.GetRequiredService<ReceiveEndpointNames>().All
            .Single(n => n.StartsWith(clinic.Schema.Replace('_', '-'), StringComparison.Ordinal) && n.EndsWith("staff-notified", StringComparison.Ordinal));
        // The isolation above is shown only if the seven were one batch: the batch's span links each report's publish.
        var batchSizes = await BatchesOfAsync(queue, messageIds.Values.ToHashSet());
        Assert.True(
            batchSizes.Contains(reports.Count),
            $"The {reports.Count} reports were not recorded as one batch: batches held {string.Join(", ", batchSizes)} of them.");

        var errorQueue = queue + "_error";
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

    private static Activity StartTrace()
    {
        var activity = new Activity("publish delivery reports").SetIdFormat(ActivityIdFormat.W3C);
        // Sampled, so that the publishes under it are traced (the host samples by parent).
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return activity.Start();
    }

    /// <summary>
    /// For each batch span of this host's <paramref name="queue"/> that links a publish of any of the reports, how many of
    /// the reports it links; waits until every report's publish is linked by such a batch. Publishes are known by their
    /// message id alone, so a publish retried (two spans, one message id) or any other span counts for nothing more.
    /// The other clinics in this process hear the same reports on queues of their own, and their spans are captured here
    /// too: a batch counts only if it ran under this host's queue's processing span.
    /// </summary>
    private Task<List<int>> BatchesOfAsync(string queue, IReadOnlySet<Guid> reports) =>
        Eventually.GetAsync(
            () =>
            {
                var spans = clinic.Spans.Snapshot();
                var bySpanId = new Dictionary<ActivitySpanId, Activity>();
                foreach (var span in spans)
                {
                    bySpanId[span.SpanId] = span;
                }

                var publishes = new Dictionary<ActivitySpanId, Guid>();
                foreach (var span in spans.Where(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer))
                {
                    if (span.GetTagItem(DiagnosticHeaders.MessageId) is string tag && Guid.TryParse(tag, out var messageId) && reports.Contains(messageId))
                    {
                        publishes[span.SpanId] = messageId;
                    }
                }

                var batches = spans
                    .Where(s => s.OperationName == "intake.record_delivery_reports" && RanUnder(s, $"{queue} process", bySpanId))
                    .Select(s => s.Links.Select(l => l.Context.SpanId).Where(publishes.ContainsKey).Select(id => publishes[id]).ToHashSet())
                    .Where(linked => linked.Count > 0)
                    .ToList();
                var covered = batches.SelectMany(b => b).ToHashSet();
                return Task.FromResult(covered.SetEquals(reports) ? batches.Select(b => b.Count).ToList() : null);
            },
            $"the batch spans that link the {reports.Count} reports' publishes");

    /// <summary>
    /// Whether a span ran under one named <paramref name="operation"/>. MassTransit names a consumer's span after its queue
    /// ("&lt;queue&gt; process"); the receive span above it ends only when the batch's retries do, so it is not looked for.
    /// </summary>
    private static bool RanUnder(Activity span, string operation, Dictionary<ActivitySpanId, Activity> spans)
    {
        for (Activity? current = span; current is not null; current = spans.GetValueOrDefault(current.ParentSpanId))
        {
            if (current.OperationName == operation)
            {
                return true;
            }
        }

        return false;
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
