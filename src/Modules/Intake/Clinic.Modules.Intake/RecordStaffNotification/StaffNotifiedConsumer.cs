using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
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
        // Streams locked in one order by every batch, so two hosts' batches never deadlock on each other.
        var byRequest = context.Message.Select(m => m.Message).GroupBy(m => m.RequestId).OrderBy(g => g.Key).ToList();
        try
        {
            await using var session = store.LightweightSession();
            await ReadModelLock.EnterForWriteAsync(session, context.CancellationToken);
            foreach (var reports in byRequest)
            {
                await AppendNewAsync(session, reports.Key, reports, context.CancellationToken);
            }

            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (Exception) when (byRequest.Count > 1 && !context.CancellationToken.IsCancellationRequested)
        {
            // One request's failure (say, a report for a stream not yet readable) must not hold up the others:
            // record each request on its own, then fail the batch if any still failed, so it is retried and,
            // retries used up, ends in _error. The requests recorded meanwhile find their facts there on a retry.
            List<Exception>? failures = null;
            foreach (var reports in byRequest)
            {
                try
                {
                    await using var session = store.LightweightSession();
                    await ReadModelLock.EnterForWriteAsync(session, context.CancellationToken);
                    await AppendNewAsync(session, reports.Key, reports, context.CancellationToken);
                    await session.SaveChangesAsync(context.CancellationToken);
                }
                catch (Exception e) when (!context.CancellationToken.IsCancellationRequested)
                {
                    (failures ??= []).Add(e);
                }
            }

            if (failures is not null)
            {
                throw new AggregateException(failures);
            }
        }
    }

    /// <summary>
    /// Appends the facts this request's history does not hold yet. The exclusive lock on the stream makes
    /// concurrent writers queue rather than fail and retry; repeats of a report change nothing.
    /// </summary>
    private static async Task AppendNewAsync(
        IDocumentSession session, Guid requestId, IEnumerable<Integration.StaffNotified> reports, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForExclusiveWriting<RequestView>(requestId, cancellationToken);
        if (stream.Aggregate is null)
        {
            throw new InvalidOperationException($"No intake request with id {requestId}.");
        }

        var facts = new List<StaffAlerted>();
        foreach (var message in reports)
        {
            var fact = new StaffAlerted(message.Channel, message.Recipient, message.NotifiedAt, message.Escalation?.Deadline, message.Escalation?.Step);
            // A repeat within the batch itself (a redelivered report beside its original) is dropped like a repeat from before.
            if (!stream.Aggregate.WasNotified(fact.Channel, fact.Recipient, fact.Deadline, fact.Step)
                && !facts.Any(f => f.Channel == fact.Channel && string.Equals(f.Recipient, fact.Recipient, StringComparison.OrdinalIgnoreCase)
                    && f.Deadline == fact.Deadline && f.Step == fact.Step))
            {
                facts.Add(fact);
            }
        }

        if (facts.Count > 0)
        {
            stream.AppendMany(facts);
        }
    }
}
