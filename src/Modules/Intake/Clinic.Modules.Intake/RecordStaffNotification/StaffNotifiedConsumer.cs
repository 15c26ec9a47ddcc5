using System.Diagnostics;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using MassTransit;
using MassTransit.Logging;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>
/// Writes each staff notification into the request's history, once per channel and recipient,
/// so an auditor sees exactly who was told, how and when.
/// Reports arrive in batches (a request's channels report within moments of each other): one transaction
/// records a whole batch, each request's reports as one append, instead of one transaction per report.
/// </summary>
/// <remarks>The class keeps its name: the queue is named after it, and reports waiting in it must still be read after an upgrade.</remarks>
internal sealed class StaffNotifiedConsumer(IIntakeStore store) : IConsumer<Batch<Integration.StaffNotified>>
{
    public async Task Consume(ConsumeContext<Batch<Integration.StaffNotified>> context)
    {
        using var activity = StartBatchActivity(context.Message);
        var cancellationToken = context.CancellationToken;
        // Reports an earlier attempt at this batch recorded (and marked consumed, below) are not tried again.
        var pending = context.Message.Where(report => !report.ReceiveContext.IsDelivered).ToList();
        try
        {
            await RecordAsync(pending, cancellationToken);
        }
        catch (Exception) when (pending.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
            // One report's failure (say, one for a stream not yet readable) must not hold up the others: record each on its
            // own and mark it consumed, then fail the batch if any still failed. The batch is retried with those alone;
            // retries used up, MassTransit faults only the reports not marked consumed, and only they land in _error.
            List<Exception>? failures = null;
            foreach (var report in pending)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await RecordAsync([report], cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    (failures ??= []).Add(e);
                    continue;
                }

                await report.NotifyConsumed(Stopwatch.GetElapsedTime(started), TypeCache<StaffNotifiedConsumer>.ShortName);
            }

            if (failures is not null)
            {
                throw new AggregateException(failures);
            }
        }
    }

    /// <summary>
    /// One span per attempt at a batch (its size in <c>messaging.batch.message_count</c>), linked to each report's publish,
    /// so a trace shows which reports were recorded together: MassTransit puts a batch in its last report's trace alone.
    /// </summary>
    private static Activity? StartBatchActivity(Batch<Integration.StaffNotified> batch)
    {
        if (!IntakeTelemetry.Source.HasListeners())
        {
            return null;
        }

        var links = new List<ActivityLink>(batch.Length);
        foreach (var report in batch)
        {
            if (report.Headers.Get<string>(DiagnosticHeaders.ActivityId) is { } publishedBy
                && ActivityContext.TryParse(publishedBy, null, isRemote: true, out var published))
            {
                links.Add(new ActivityLink(published));
            }
        }

        var activity = IntakeTelemetry.Source.StartActivity("intake.record_delivery_reports", ActivityKind.Internal, default(ActivityContext), links: links);
        activity?.SetTag("messaging.batch.message_count", batch.Length);
        return activity;
    }

    private async Task RecordAsync(IEnumerable<ConsumeContext<Integration.StaffNotified>> reports, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        // A repeat within the batch itself (a redelivered report beside its original) is dropped like a repeat from before.
        await RequestHistoryWriter.AppendEachOnceAsync(
            session,
            reports.Select(report => (report.Message.RequestId, Fact: Alert(report.Message))),
            static (request, alert) => request.WasNotified(alert),
            RequestView.IsSameAlert,
            cancellationToken);
    }

    private static StaffAlerted Alert(Integration.StaffNotified message) =>
        new(message.Channel, message.Recipient, message.NotifiedAt, message.Escalation?.Deadline, message.Escalation?.Step);
}
