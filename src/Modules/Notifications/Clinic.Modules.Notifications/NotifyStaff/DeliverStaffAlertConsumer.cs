using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Delivers one alert once per request, channel and recipient, and reports it back as StaffNotified.
/// A redelivered message finds the delivery log and only repeats the report (Intake ignores repeats).
/// Each channel has its own consumer and queue (below): a retrying SMTP outage holds up e-mail only,
/// never the webhook or the live feed (docs/adr/0002-one-delivery-queue-per-channel.md).
/// </summary>
internal abstract class DeliverStaffAlertConsumer(
    string channelName,
    DeliveryLog log,
    IEnumerable<INotificationChannel> channels,
    IOptionsMonitor<NotificationsOptions> options,
    NotificationsMetrics metrics,
    TimeProvider time) : IConsumer<DeliverStaffAlert>
{
    public async Task Consume(ConsumeContext<DeliverStaffAlert> context)
    {
        var message = context.Message;
        if (message.Channel != channelName)
        {
            throw new PermanentDeliveryFailure($"A {message.Channel} delivery reached the {channelName} queue.");
        }

        var channel = channels.Single(c => c.Name == message.Channel);
        var alert = new StaffAlert(
            message.RequestId, message.Reference, message.ConditionSlug, message.IsUrgent, message.IsSuspectedSpam, message.SubmittedAt,
            new Uri(options.CurrentValue.SiteBaseUrl, $"staff/requests/{message.RequestId}"),
            message.Visitor,
            message.Escalation);

        DeliveryOutcome delivery;
        try
        {
            delivery = await log.DeliverOnceAsync(
                message.DeliveryId, message.RequestId, message.Channel, message.Recipient, channel.Guard,
                token => channel.DeliverAsync(alert, message.Recipient, message.DeliveryId, token),
                context.CancellationToken);
        }
        catch (DeliveryInProgressException) when (context.GetRetryAttempt() >= NotificationsModule.DeliveryRetryLimit)
        {
            // Retries are used up while another worker still holds this delivery: that worker reports the outcome,
            // so this duplicate ends here instead of faulting (earlier attempts rethrow and are retried).
            return;
        }
        catch (Exception e) when (e is not DeliveryInProgressException && !context.CancellationToken.IsCancellationRequested)
        {
            metrics.AttemptFailed(message.Channel);
            if (context.GetRetryAttempt() == 0)
            {
                // Staff can see at once that a channel is failing; retries go on, and the final outcome follows.
                await context.Publish(Failed(message, e.Message, final: false, time.GetUtcNow()), context.CancellationToken);
            }

            throw;
        }

        // Time to alert measures the arrival alert; an escalation is late on purpose.
        if (delivery.SentNow && message.Escalation is null)
        {
            // A restored spam request counts from its first arrival: that is how long its visitor waited.
            metrics.Delivered(message.Channel, message.IsUrgent, delivery.DeliveredAt - message.SubmittedAt);
        }

        await context.Publish(
            new StaffNotified(
                message.RequestId, message.Reference, message.Channel, message.Recipient, delivery.DeliveredAt,
                message.Escalation is { } escalation ? new EscalationStep(escalation.Deadline, escalation.Step) : null),
            context.CancellationToken);
    }

    /// <summary>The kind of fault only: channel exceptions are built to carry no personal data; keep it short anyway.</summary>
    internal static StaffNotificationFailed Failed(DeliverStaffAlert message, string reason, bool final, DateTimeOffset at) =>
        new(message.RequestId, message.Reference, message.Channel, message.Recipient, reason.Length <= 200 ? reason : reason[..200], final, at);
}

internal sealed class DeliverEmailAlertConsumer(DeliveryLog log, IEnumerable<INotificationChannel> channels, IOptionsMonitor<NotificationsOptions> options, NotificationsMetrics metrics, TimeProvider time)
    : DeliverStaffAlertConsumer(ChannelNames.Email, log, channels, options, metrics, time);

internal sealed class DeliverWebhookAlertConsumer(DeliveryLog log, IEnumerable<INotificationChannel> channels, IOptionsMonitor<NotificationsOptions> options, NotificationsMetrics metrics, TimeProvider time)
    : DeliverStaffAlertConsumer(ChannelNames.Webhook, log, channels, options, metrics, time);

internal sealed class DeliverFeedAlertConsumer(DeliveryLog log, IEnumerable<INotificationChannel> channels, IOptionsMonitor<NotificationsOptions> options, NotificationsMetrics metrics, TimeProvider time)
    : DeliverStaffAlertConsumer(ChannelNames.Feed, log, channels, options, metrics, time);

/// <summary>Where each channel's deliveries are sent: its consumer's queue, named like every other endpoint.</summary>
internal static class DeliveryQueues
{
    public static Uri For(string channel, IEndpointNameFormatter names) => new("queue:" + channel switch
    {
        ChannelNames.Email => names.Consumer<DeliverEmailAlertConsumer>(),
        ChannelNames.Webhook => names.Consumer<DeliverWebhookAlertConsumer>(),
        ChannelNames.Feed => names.Consumer<DeliverFeedAlertConsumer>(),
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Not a channel name."),
    });
}
