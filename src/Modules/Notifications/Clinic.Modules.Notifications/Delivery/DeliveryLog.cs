using Marten;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Notifications.Delivery;

/// <summary>
/// Keeps each (request, channel, recipient) delivery to one send however often its message is delivered: by a claim
/// taken before the send and completed after (<see cref="DeliveryGuard.ClaimBeforeSend"/>), or, for a channel whose own
/// receiver drops a repeated delivery id, by one row written after the send (<see cref="DeliveryGuard.RecordAfterSend"/>).
/// Recipients are staff addresses, endpoint names or a role ("visitor"): the log never holds a visitor's details.
/// </summary>
internal sealed partial class DeliveryLog(INotificationsStore store, TimeProvider time, ILogger<DeliveryLog> logger)
{
    /// <summary>One send, all steps together, must finish well inside the claim's lifetime.</summary>
    public static readonly TimeSpan SendDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="send"/> unless this delivery is already done, under a claim; returns when it was delivered, and whether by this call.</summary>
    public Task<DeliveryOutcome> DeliverOnceAsync(
        string deliveryId, Guid requestId, string channel, string recipient,
        Func<CancellationToken, Task> send, CancellationToken cancellationToken) =>
        DeliverOnceAsync(deliveryId, requestId, channel, recipient, DeliveryGuard.ClaimBeforeSend, send, cancellationToken);

    /// <summary>Runs <paramref name="send"/> unless this delivery is already done, kept to one by <paramref name="guard"/>; returns when it was delivered, and whether by this call.</summary>
    public async Task<DeliveryOutcome> DeliverOnceAsync(
        string deliveryId, Guid requestId, string channel, string recipient, DeliveryGuard guard,
        Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var found = await session.LoadAsync<DeliveryRecord>(deliveryId, cancellationToken);
        if (found is null && guard == DeliveryGuard.RecordAfterSend)
        {
            return await SendThenRecordAsync(session, deliveryId, requestId, channel, recipient, send, cancellationToken);
        }

        // A row is there (done, withdrawn, or claimed, perhaps by a host that claims every channel), or this channel claims.
        var record = await ClaimAsync(session, found, deliveryId, requestId, channel, recipient, cancellationToken);
        if (record.DeliveredAt is { } done)
        {
            return new DeliveryOutcome(done, SentNow: false);
        }

        if (record.WithdrawnAt is { } withdrawn)
        {
            return new DeliveryOutcome(withdrawn, SentNow: false, Withdrawn: true);
        }

        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(SendDeadline);
            await send(deadline.Token);
        }
        catch
        {
            // Not sent: release the claim so the retry (this worker's or another's) may send at once.
            try
            {
                record.ClaimedAt = DateTimeOffset.MinValue;
                session.Store(record);
                await session.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception releaseFailure)
            {
                // The database is away too, or another worker took the claim over: the claim lapses on its own,
                // and the send's error, not this one, is what the retry and the failure report must see.
                LogReleaseFailed(logger, channel, releaseFailure.GetType().Name);
            }

            throw;
        }

        // Sent: record it even if the host is stopping, or the alert would be sent again after a takeover.
        record.DeliveredAt = time.GetUtcNow();
        session.Store(record);
        await session.SaveChangesAsync(CancellationToken.None);
        return new DeliveryOutcome(record.DeliveredAt.Value, SentNow: true);
    }

    /// <summary>
    /// Takes the delivery for this worker, or finds it done (<paramref name="record"/> is its row as just read, if any).
    /// A live claim by another worker means "in progress": fail this attempt so it is retried later and then finds the outcome.
    /// </summary>
    private async Task<DeliveryRecord> ClaimAsync(
        IDocumentSession session, DeliveryRecord? record, string deliveryId, Guid requestId, string channel, string recipient, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (record is null)
        {
            record = new DeliveryRecord { Id = deliveryId, RequestId = requestId, Channel = channel, Recipient = recipient, ClaimedAt = now, Attempts = 1 };
            session.Insert(record);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return record;
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                throw new DeliveryInProgressException(deliveryId);
            }
        }

        if (record.DeliveredAt is not null || record.WithdrawnAt is not null)
        {
            return record;
        }

        if (now - record.ClaimedAt < DeliveryRecord.ClaimTimeout)
        {
            throw new DeliveryInProgressException(deliveryId);
        }

        // The worker that claimed it stopped (a crash): take over. The row uses optimistic concurrency,
        // so of two workers taking over at once, one fails here and retries.
        record.ClaimedAt = now;
        record.Attempts++;
        session.Store(record);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (JasperFx.ConcurrencyException)
        {
            throw new DeliveryInProgressException(deliveryId);
        }

        return record;
    }

    /// <summary>
    /// Sends with no claim, then records the delivery as done in one insert. Nothing to release if the send fails; a
    /// crash between the send and the insert leaves no row, so the redelivered message sends again under the same id,
    /// which the channel's receiver drops. Of two attempts at once, both send the same id and the first insert wins.
    /// </summary>
    private async Task<DeliveryOutcome> SendThenRecordAsync(
        IDocumentSession session, string deliveryId, Guid requestId, string channel, string recipient,
        Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(SendDeadline);
            await send(deadline.Token);
        }

        var now = time.GetUtcNow();
        session.Insert(new DeliveryRecord
        {
            Id = deliveryId,
            RequestId = requestId,
            Channel = channel,
            Recipient = recipient,
            ClaimedAt = now,
            DeliveredAt = now,
            Attempts = 1,
        });
        try
        {
            // Sent: record it even if the host is stopping, as a claim's completion is.
            await session.SaveChangesAsync(CancellationToken.None);
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            // Another attempt recorded it first (or claimed it, on a host that claims every channel): its time is the
            // delivery's, and the retry of this attempt finds it and reports it.
            throw new DeliveryInProgressException(deliveryId);
        }

        return new DeliveryOutcome(now, SentNow: true);
    }

    // The error's kind only: a database error's text can quote the values it refused.
    [LoggerMessage(LogLevel.Warning, "Could not release the claim on a failed {Channel} delivery ({ErrorType}); it lapses after its timeout")]
    private static partial void LogReleaseFailed(ILogger logger, string channel, string errorType);
}

/// <param name="SentNow">This call sent it; false when an earlier one already had (a redelivered or replayed message).</param>
/// <param name="Withdrawn">Not sent, and never will be: withdrawn at <paramref name="DeliveredAt"/> (its request was erased).</param>
internal readonly record struct DeliveryOutcome(DateTimeOffset DeliveredAt, bool SentNow, bool Withdrawn = false);

/// <summary>How the delivery log keeps a channel's sends to one per delivery: a property of the channel's receiver.</summary>
internal enum DeliveryGuard
{
    /// <summary>
    /// A claim before the send, completed after: a repeat waits while the send is in flight and never sends once it is
    /// done. For receivers outside the clinic (an SMTP relay, a webhook), which may not drop a repeated delivery id.
    /// </summary>
    ClaimBeforeSend,

    /// <summary>
    /// No claim: a repeat that finds the delivery done still never sends, but one running at the same moment sends the
    /// same delivery id again. For a receiver of the clinic's own that drops a repeated id (the staff feed's hub), it
    /// saves the claim's insert and a transaction on every delivery (docs/adr/0010-feed-deliveries-recorded-after-sending.md).
    /// </summary>
    RecordAfterSend,
}

internal sealed class DeliveryInProgressException(string deliveryId)
    : Exception($"Delivery {deliveryId} is being sent by another worker; retrying later.");
