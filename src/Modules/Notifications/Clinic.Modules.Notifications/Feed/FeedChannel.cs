using Clinic.Modules.Notifications.NotifyStaff;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Notifications.Feed;

/// <summary>The live staff inbox: delivered means handed to every host for its connected staff browsers.</summary>
internal sealed class FeedChannel(IBus bus) : INotificationChannel
{
    public const string Recipient = "staff-inbox";

    public string Name => ChannelNames.Feed;

    public Task DeliverAsync(StaffAlert alert, string recipient, string deliveryId, CancellationToken cancellationToken) =>
        bus.Publish(
            new StaffFeedItem(
                deliveryId, alert.RequestId, alert.Reference, alert.IsUrgent, alert.IsSuspectedSpam, alert.ConditionSlug, alert.SubmittedAt, alert.Link,
                alert.Escalation?.Deadline, alert.Escalation?.Step),
            cancellationToken);
}

/// <summary>Runs on every host (a temporary queue each) and pushes the item to that host's feed.</summary>
internal sealed partial class StaffFeedItemConsumer(StaffFeedHub hub, ILogger<StaffFeedItemConsumer> logger) : IConsumer<StaffFeedItem>
{
    public Task Consume(ConsumeContext<StaffFeedItem> context)
    {
        hub.Publish(context.Message);
        LogPushed(logger, context.Message.Reference, hub.SubscriberCount);
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Pushed the alert for {Reference} to {Subscribers} connected staff browsers")]
    private static partial void LogPushed(ILogger logger, string reference, int subscribers);
}
