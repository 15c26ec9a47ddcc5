using MassTransit;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Retries are exhausted and the delivery message is in its _error queue: tell Intake, so the
/// failure is part of the request's history and staff see it. Only real send failures arrive here: a
/// duplicate that found its delivery in progress ends quietly in <see cref="DeliverStaffAlertConsumer"/>.
/// </summary>
internal sealed class DeliveryFaultConsumer(NotificationsMetrics metrics, TimeProvider time) : IConsumer<Fault<DeliverStaffAlert>>
{
    public async Task Consume(ConsumeContext<Fault<DeliverStaffAlert>> context)
    {
        var exception = context.Message.Exceptions.FirstOrDefault();
        var reason = exception is null ? "unknown fault" : exception.Message;
        await context.Publish(DeliverStaffAlertConsumer.Failed(context.Message.Message, reason, final: true, time.GetUtcNow()), context.CancellationToken);
        // Counted once reported: a retry of this consumer after a failed publish does not count twice.
        metrics.GaveUp(context.Message.Message.Channel);
    }
}
