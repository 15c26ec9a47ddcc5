using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.NotifyStaff;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.Escalate;

/// <summary>
/// Turns an escalation step into one delivery per channel and recipient: an e-mail to each person the step
/// names, and the escalation routes (by default the urgent webhooks and live feed). Each delivery is keyed by
/// the step, so it is sent once however often this message arrives, and a person already alerted about the
/// request's arrival is still told about the escalation.
/// </summary>
internal sealed class RequestEscalatedConsumer(IOptionsMonitor<NotificationsOptions> options, IEndpointNameFormatter queueNames)
    : IConsumer<RequestEscalated>
{
    public async Task Consume(ConsumeContext<RequestEscalated> context)
    {
        var step = context.Message;
        var escalation = new EscalationAlert(step.Deadline, step.Step, step.Within, step.DueAt);
        var deliveries = options.CurrentValue.Routing.ForEscalation(step.Recipients)
            .Select(route => new DeliverStaffAlert(
                step.RequestId, step.Reference, step.ConditionSlug, step.IsUrgent, IsSuspectedSpam: false, step.RaisedAt,
                route.Channel, route.Recipient, Visitor: null, escalation))
            .GroupBy(delivery => delivery.Channel);

        foreach (var channel in deliveries)
        {
            var queue = await context.GetSendEndpoint(DeliveryQueues.For(channel.Key, queueNames));
            await queue.SendBatch(channel, context.CancellationToken);
        }
    }
}
