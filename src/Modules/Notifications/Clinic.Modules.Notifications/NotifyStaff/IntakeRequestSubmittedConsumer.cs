using Clinic.Modules.Intake.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>Turns a new request into one delivery per route that its urgency calls for.</summary>
internal sealed class IntakeRequestSubmittedConsumer(IOptionsMonitor<NotificationsOptions> options) : IConsumer<IntakeRequestSubmitted>
{
    public async Task Consume(ConsumeContext<IntakeRequestSubmitted> context)
    {
        var request = context.Message;
        var deliveries = options.CurrentValue.Routing.For(request.IsUrgent)
            .Select(route => new DeliverStaffAlert(
                request.RequestId, request.Reference, request.ConditionSlug, request.IsUrgent, request.IsSuspectedSpam, request.SubmittedAt,
                route.Channel, route.Recipient))
            .ToList();

        // Sent again if this message is redelivered; each delivery is idempotent on its business key.
        await context.PublishBatch(deliveries, context.CancellationToken);
    }
}
