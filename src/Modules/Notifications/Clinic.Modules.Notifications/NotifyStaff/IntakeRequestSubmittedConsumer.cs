using Clinic.Modules.Intake.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>Turns a new request into one delivery per route that its urgency calls for, each sent to its channel's queue.</summary>
internal sealed class IntakeRequestSubmittedConsumer(IOptionsMonitor<NotificationsOptions> options, IEndpointNameFormatter queueNames)
    : IConsumer<IntakeRequestSubmitted>
{
    public async Task Consume(ConsumeContext<IntakeRequestSubmitted> context)
    {
        var request = context.Message;
        var deliveries = options.CurrentValue.Routing.For(request.IsUrgent)
            .Select(route => new DeliverStaffAlert(
                request.RequestId, request.Reference, request.ConditionSlug, request.IsUrgent, request.IsSuspectedSpam, request.SubmittedAt,
                route.Channel, route.Recipient, request.Visitor))
            .GroupBy(delivery => delivery.Channel);

        // Sent again if this message is redelivered; each delivery is idempotent on its business key.
        foreach (var channel in deliveries)
        {
            var queue = await context.GetSendEndpoint(DeliveryQueues.For(channel.Key, queueNames));
            await queue.SendBatch(channel, context.CancellationToken);
        }
    }
}
