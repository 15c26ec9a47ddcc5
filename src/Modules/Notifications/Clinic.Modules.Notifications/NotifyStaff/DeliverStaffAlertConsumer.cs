using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Delivers one alert exactly once per request, channel and recipient, and reports it back as
/// StaffNotified. Redelivered messages find the delivery log and only repeat the report.
/// </summary>
internal sealed class DeliverStaffAlertConsumer(
    INotificationsStore store,
    IEnumerable<INotificationChannel> channels,
    IOptionsMonitor<NotificationsOptions> options,
    TimeProvider time) : IConsumer<DeliverStaffAlert>
{
    public async Task Consume(ConsumeContext<DeliverStaffAlert> context)
    {
        var message = context.Message;
        var channel = channels.Single(c => c.Name == message.Channel);
        await using var session = store.LightweightSession();

        var record = await ClaimAsync(session, message, context.CancellationToken);
        if (record.DeliveredAt is null)
        {
            var alert = new StaffAlert(
                message.RequestId, message.Reference, message.ConditionSlug, message.IsUrgent, message.SubmittedAt,
                new Uri(options.CurrentValue.SiteBaseUrl, $"audit/requests/{message.RequestId}"));
            try
            {
                await channel.DeliverAsync(alert, message.Recipient, message.DeliveryId, context.CancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && context.GetRetryAttempt() == 0)
            {
                // Staff can see at once that a channel is failing; retries go on, and the final outcome follows.
                await context.Publish(Failed(message, e, final: false), context.CancellationToken);
                throw;
            }

            record.DeliveredAt = time.GetUtcNow();
            session.Store(record);
            await session.SaveChangesAsync(context.CancellationToken);
        }

        await context.Publish(
            new StaffNotified(message.RequestId, message.Reference, message.Channel, message.Recipient, record.DeliveredAt.Value),
            context.CancellationToken);
    }

    /// <summary>
    /// Takes the delivery for this worker, or finds it done. A live claim by another worker means
    /// "in progress": fail this attempt so it is retried later and then finds the outcome.
    /// </summary>
    private async Task<DeliveryRecord> ClaimAsync(IDocumentSession session, DeliverStaffAlert message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = await session.LoadAsync<DeliveryRecord>(message.DeliveryId, cancellationToken);
        if (record is null)
        {
            record = new DeliveryRecord
            {
                Id = message.DeliveryId,
                RequestId = message.RequestId,
                Channel = message.Channel,
                Recipient = message.Recipient,
                ClaimedAt = now,
                Attempts = 1,
            };
            session.Insert(record);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                return record;
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                throw new DeliveryInProgressException(message.DeliveryId);
            }
        }

        if (record.DeliveredAt is not null)
        {
            return record;
        }

        if (now - record.ClaimedAt < DeliveryRecord.ClaimTimeout)
        {
            throw new DeliveryInProgressException(message.DeliveryId);
        }

        // The worker that claimed it stopped (a crash): take over. The row uses optimistic concurrency,
        // so of two workers taking over at once, one fails here and retries.
        record.ClaimedAt = now;
        record.Attempts++;
        session.Store(record);
        await session.SaveChangesAsync(cancellationToken);
        return record;
    }

    internal static StaffNotificationFailed Failed(DeliverStaffAlert message, Exception e, bool final) =>
        new(message.RequestId, message.Reference, message.Channel, message.Recipient, Reason(e), final, DateTimeOffset.UtcNow);

    /// <summary>The kind of fault, never a payload: channel errors carry no personal data, but keep it short anyway.</summary>
    private static string Reason(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        return text.Length <= 200 ? text : text[..200];
    }
}

internal sealed class DeliveryInProgressException(string deliveryId)
    : Exception($"Delivery {deliveryId} is being sent by another worker; retrying later.");
