using Marten;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Notifications.Delivery;

/// <summary>
/// Claims and completes deliveries in the delivery log, so each (request, channel, recipient) is sent
/// once however often its message is delivered. Recipients are staff addresses, endpoint names or a
/// role ("visitor"): the log never holds a visitor's details.
/// </summary>
internal sealed partial class DeliveryLog(INotificationsStore store, TimeProvider time, ILogger<DeliveryLog> logger)
{
    /// <summary>One send, all steps together, must finish well inside the claim's lifetime.</summary>
    public static readonly TimeSpan SendDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="send"/> unless this delivery is already done; returns when it was delivered, and whether by this call.</summary>
    public async Task<DeliveryOutcome> DeliverOnceAsync(
        string deliveryId, Guid requestId, string channel, string recipient,
        Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var record = await ClaimAsync(session, deliveryId, requestId, channel, recipient, cancellationToken);
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
    /// Takes the delivery for this worker, or finds it done. A live claim by another worker means
    /// "in progress": fail this attempt so it is retried later and then finds the outcome.
    /// </summary>
    private async Task<DeliveryRecord> ClaimAsync(
        IDocumentSession session, string deliveryId, Guid requestId, string channel, string recipient, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = await session.LoadAsync<DeliveryRecord>(deliveryId, cancellationToken);
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

    // The error's kind only: a database error's text can quote the values it refused.
    [LoggerMessage(LogLevel.Warning, "Could not release the claim on a failed {Channel} delivery ({ErrorType}); it lapses after its timeout")]
    private static partial void LogReleaseFailed(ILogger logger, string channel, string errorType);
}

/// <param name="SentNow">This call sent it; false when an earlier one already had (a redelivered or replayed message).</param>
/// <param name="Withdrawn">Not sent, and never will be: withdrawn at <paramref name="DeliveredAt"/> (its request was erased).</param>
internal readonly record struct DeliveryOutcome(DateTimeOffset DeliveredAt, bool SentNow, bool Withdrawn = false);

internal sealed class DeliveryInProgressException(string deliveryId)
    : Exception($"Delivery {deliveryId} is being sent by another worker; retrying later.");
