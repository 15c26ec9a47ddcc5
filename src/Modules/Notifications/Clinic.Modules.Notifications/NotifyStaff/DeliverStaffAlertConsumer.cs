using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Delivers one alert once per request, channel and recipient, and reports it back as StaffNotified.
/// A redelivered message finds the delivery log and only repeats the report (Intake ignores repeats).
/// </summary>
internal sealed class DeliverStaffAlertConsumer(
    DeliveryLog log,
    IEnumerable<INotificationChannel> channels,
    IOptionsMonitor<NotificationsOptions> options) : IConsumer<DeliverStaffAlert>
{
    public async Task Consume(ConsumeContext<DeliverStaffAlert> context)
    {
        var message = context.Message;
        var channel = channels.Single(c => c.Name == message.Channel);
        var alert = new StaffAlert(
            message.RequestId, message.Reference, message.ConditionSlug, message.IsUrgent, message.IsSuspectedSpam, message.SubmittedAt,
            new Uri(options.CurrentValue.SiteBaseUrl, $"audit/requests/{message.RequestId}"));

        DateTimeOffset deliveredAt;
        try
        {
            deliveredAt = await log.DeliverOnceAsync(
                message.DeliveryId, message.RequestId, message.Channel, message.Recipient,
                token => channel.DeliverAsync(alert, message.Recipient, message.DeliveryId, token),
                context.CancellationToken);
        }
        catch (Exception e) when (e is not DeliveryInProgressException && !context.CancellationToken.IsCancellationRequested && context.GetRetryAttempt() == 0)
        {
            // Staff can see at once that a channel is failing; retries go on, and the final outcome follows.
            await context.Publish(Failed(message, e.Message, final: false), context.CancellationToken);
            throw;
        }

        await context.Publish(
            new StaffNotified(message.RequestId, message.Reference, message.Channel, message.Recipient, deliveredAt),
            context.CancellationToken);
    }

    /// <summary>The kind of fault only: channel exceptions are built to carry no personal data; keep it short anyway.</summary>
    internal static StaffNotificationFailed Failed(DeliverStaffAlert message, string reason, bool final) =>
        new(message.RequestId, message.Reference, message.Channel, message.Recipient, reason.Length <= 200 ? reason : reason[..200], final, DateTimeOffset.UtcNow);
}
