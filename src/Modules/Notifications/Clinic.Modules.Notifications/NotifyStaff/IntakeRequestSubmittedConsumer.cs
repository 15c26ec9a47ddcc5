using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>Tells staff about every new request through each channel, then reports each delivery back.</summary>
internal sealed class IntakeRequestSubmittedConsumer(
    IEnumerable<INotificationChannel> channels,
    IOptions<NotificationsOptions> options,
    TimeProvider time) : IConsumer<IntakeRequestSubmitted>
{
    public async Task Consume(ConsumeContext<IntakeRequestSubmitted> context)
    {
        var request = context.Message;
        var alert = new StaffAlert(
            request.RequestId,
            request.Reference,
            request.ConditionSlug,
            request.IsUrgent,
            request.SubmittedAt,
            new Uri(options.Value.SiteBaseUrl, $"audit/requests/{request.RequestId}"));

        foreach (var channel in channels)
        {
            var deliveries = await channel.DeliverAsync(alert, context.CancellationToken);
            foreach (var delivery in deliveries)
            {
                await context.Publish(
                    new StaffNotified(request.RequestId, request.Reference, delivery.Channel, delivery.Recipient, time.GetUtcNow()),
                    context.CancellationToken);
            }
        }
    }
}
