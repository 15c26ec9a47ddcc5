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
        var reason = exception is null ? "unknown fault" : $"{exception.ExceptionType.Split('.').Last()}: {exception.Message}";
        var failed = DeliverStaffAlertConsumer.Failed(context.Message.Message, new DeliveryFailure(reason), final: true);
        return context.Publish(failed with { Reason = reason.Length <= 200 ? reason : reason[..200] }, context.CancellationToken);
    }

    private sealed class DeliveryFailure(string message) : Exception(message);
}
