using System.Diagnostics;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using MassTransit;
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
    /// <summary>A batch waits at most this long for more reports after its first one.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    public const int BatchLimit = 50;

    public async Task Consume(ConsumeContext<Batch<Integration.StaffNotified>> context)
    {
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
