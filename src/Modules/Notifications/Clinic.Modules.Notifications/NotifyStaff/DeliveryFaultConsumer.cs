using MassTransit;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Retries are exhausted and the delivery message is in its _error queue: tell Intake, so the
/// failure is part of the request's history and staff see it.
/// </summary>
internal sealed class DeliveryFaultConsumer : IConsumer<Fault<DeliverStaffAlert>>
{
    public Task Consume(ConsumeContext<Fault<DeliverStaffAlert>> context)
    {
        var exception = context.Message.Exceptions.FirstOrDefault();
        if (exception?.ExceptionType.EndsWith(nameof(Delivery.DeliveryInProgressException), StringComparison.Ordinal) == true)
        {
            // A duplicate gave up waiting for the worker that holds the delivery; that worker reports the outcome.
            return Task.CompletedTask;
        }

        var reason = exception is null ? "unknown fault" : exception.Message;
        return context.Publish(DeliverStaffAlertConsumer.Failed(context.Message.Message, reason, final: true), context.CancellationToken);
    }
}
