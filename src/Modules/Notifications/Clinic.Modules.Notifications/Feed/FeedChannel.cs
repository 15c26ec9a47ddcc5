using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.NotifyStaff;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Notifications.Feed;

/// <summary>The live staff inbox: delivered means handed to every host for its connected staff browsers.</summary>
internal sealed class FeedChannel(IBus bus) : INotificationChannel
{
    public const string Recipient = "staff-inbox";

    public string Name => ChannelNames.Feed;

    /// <summary>The item's id is the delivery id, and every host's <see cref="StaffFeedHub"/> drops an id it has shown: no claim needed.</summary>
    public DeliveryGuard Guard => DeliveryGuard.RecordAfterSend;

    public Task DeliverAsync(StaffAlert alert, string recipient, string deliveryId, CancellationToken cancellationToken) =>
        bus.Publish(
            new StaffFeedItem(
                deliveryId, alert.RequestId, alert.Reference, alert.IsUrgent, alert.IsSuspectedSpam, alert.ConditionSlug, alert.SubmittedAt, alert.Link,
                alert.Escalation?.Deadline, alert.Escalation?.Step),
            cancellationToken);
}

/// <summary>
/// Runs on every host (a temporary queue each) and pushes new-request alerts, and the live hints that a request
/// changed, to that host's feed. A hint is no delivery: nobody is alerted by it, it only makes open inboxes refresh.
/// </summary>
internal sealed partial class StaffFeedItemConsumer(StaffFeedHub hub, ILogger<StaffFeedItemConsumer> logger)
    : IConsumer<StaffFeedItem>, IConsumer<IntakeRequestChanged>
{
    public const string ChangedEvent = "request-changed";

    public Task Consume(ConsumeContext<StaffFeedItem> context)
    {
        var item = context.Message;
        hub.Publish(new StaffFeedEvent(item.Id, item.EscalationStep is not null ? "escalation" : item.Urgent ? "urgent-request" : "request", item));
        LogPushed(logger, context.Message.Reference, hub.SubscriberCount);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<IntakeRequestChanged> context)
    {
        var change = context.Message;
        // The forwarder's message id is the event's id: a re-published hint is recognised and pushed once.
        var id = $"change-{context.MessageId ?? Guid.NewGuid():N}";
        hub.Publish(new StaffFeedEvent(id, ChangedEvent, new { change.RequestId, change.Reference, change.Change, change.At }));
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Pushed the alert for {Reference} to {Subscribers} connected staff browsers")]
    private static partial void LogPushed(ILogger logger, string reference, int subscribers);
}
