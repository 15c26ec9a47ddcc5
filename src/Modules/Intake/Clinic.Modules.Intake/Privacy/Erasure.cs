using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Intake.Privacy;

internal enum ErasureOutcome { Erased, AlreadyErased, Held, NotFound }

/// <summary>
/// Erases one request's personal data, in an order a crash can interrupt anywhere: the journal line (outside the
/// database), the <see cref="PersonalDataErased"/> event, the data key, then the plain-text copies other modules made
/// (told by <see cref="PersonalDataErasureRequested"/>). Every step is idempotent, so running it again, as the next
/// start does for every journalled erasure, completes whatever was cut short.
/// </summary>
internal sealed partial class Erasure(
    IIntakeStore store, IPersonalData personalData, ErasureJournal journal, IBus bus, TimeProvider time, ILogger<Erasure> logger)
{
    public const string OnRequest = "request";

    public static string ByPolicy(string outcome) => $"policy:{outcome}";

    /// <param name="approvedBy">The second admin of an erasure on request.</param>
    public async Task<ErasureOutcome> EraseAsync(Guid requestId, string reason, string by, string? approvedBy, CancellationToken cancellationToken)
    {
        PrivacyStatus? status;
        await using (var query = store.QuerySession())
        {
            status = await query.LoadAsync<PrivacyStatus>(requestId, cancellationToken);
        }

        if (status is null)
        {
            return ErasureOutcome.NotFound;
        }

        if (status.IsErased)
        {
            // Finishes an erasure a crash interrupted after its event; repeats nothing that cannot be repeated.
            await personalData.DestroyKeyAsync(requestId, cancellationToken);
            return ErasureOutcome.AlreadyErased;
        }

        if (status.IsHeld)
        {
            return ErasureOutcome.Held;
        }

        var entry = new ErasureJournalEntry(requestId, ErasureJournal.Erasing, reason, by, approvedBy, time.GetUtcNow());
        await journal.AppendAsync(entry, cancellationToken);
        var appended = await RecordAsync(entry, respectHold: true, cancellationToken);
        if (appended == ErasureOutcome.Held)
        {
            // Held between the first look and the append: the journal line stays, but says nothing was erased.
            await journal.AppendAsync(entry with { Stage = "cancelled-held", At = time.GetUtcNow() }, cancellationToken);
            return ErasureOutcome.Held;
        }

        await CompleteAsync(entry, cancellationToken);
        return ErasureOutcome.Erased;
    }

    /// <summary>
    /// Re-applies a journalled erasure: after a crash, or after a restore that brought back a database from before it.
    /// A hold in the restored data does not stop it: the erasure was decided and made while no hold stood.
    /// </summary>
    public async Task ReapplyAsync(ErasureJournalEntry entry, bool purged, CancellationToken cancellationToken)
    {
        var outcome = await RecordAsync(entry, respectHold: false, cancellationToken);
        if (outcome == ErasureOutcome.NotFound)
        {
            // Not in this database (another environment's, or a restore from before the request): only the key.
            await personalData.DestroyKeyAsync(entry.RequestId, cancellationToken);
            return;
        }

        if (outcome == ErasureOutcome.Erased || !purged)
        {
            LogReapplied(logger, entry.RequestId);
            await CompleteAsync(entry, cancellationToken);
        }
        else
        {
            await personalData.DestroyKeyAsync(entry.RequestId, cancellationToken);
        }
    }

    /// <summary>Appends <see cref="PersonalDataErased"/> unless the stream has it already (then AlreadyErased).</summary>
    private async Task<ErasureOutcome> RecordAsync(ErasureJournalEntry entry, bool respectHold, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
        var stream = await session.Events.FetchForExclusiveWriting<PrivacyStatus>(entry.RequestId, cancellationToken);
        if (stream.Aggregate is not { } status)
        {
            return ErasureOutcome.NotFound;
        }

        if (status.IsErased)
        {
            return ErasureOutcome.AlreadyErased;
        }

        if (respectHold && status.IsHeld)
        {
            return ErasureOutcome.Held;
        }

        stream.AppendOne(new PersonalDataErased(entry.Reason, entry.By, entry.ApprovedBy, entry.At));
        await session.SaveChangesAsync(cancellationToken);
        return ErasureOutcome.Erased;
    }

    private async Task CompleteAsync(ErasureJournalEntry entry, CancellationToken cancellationToken)
    {
        await personalData.DestroyKeyAsync(entry.RequestId, cancellationToken);
        // Other modules' copies: the delivery log and the _error queues (handlers are idempotent, the message is durable).
        await bus.Publish(new PersonalDataErasureRequested(entry.RequestId, entry.At), cancellationToken);
        await journal.AppendAsync(entry with { Stage = ErasureJournal.Purged, At = time.GetUtcNow() }, cancellationToken);
        LogErased(logger, entry.RequestId, entry.Reason);
    }

    [LoggerMessage(LogLevel.Information, "Personal data of request {RequestId} erased ({Reason})")]
    private static partial void LogErased(ILogger logger, Guid requestId, string reason);

    [LoggerMessage(LogLevel.Warning, "Erasure of request {RequestId} re-applied from the erasure journal (a restore or an interrupted erasure)")]
    private static partial void LogReapplied(ILogger logger, Guid requestId);
}
