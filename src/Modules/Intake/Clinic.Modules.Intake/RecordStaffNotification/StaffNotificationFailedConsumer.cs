using Clinic.Modules.Intake.Domain;
using Marten;
using MassTransit;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>Writes a failed notification into the request's history: once for the first failure, once for the final one.</summary>
internal sealed class StaffNotificationFailedConsumer(IIntakeStore store) : IConsumer<Integration.StaffNotificationFailed>
{
    public async Task Consume(ConsumeContext<Integration.StaffNotificationFailed> context)
    {
        var message = context.Message;
        await using var session = store.LightweightSession();
        await RequestHistoryWriter.AppendOnceAsync(
            session,
            message.RequestId,
            request => request.HasFailure(message.Channel, message.Recipient, message.Final),
            new NotificationFailed(message.Channel, message.Recipient, message.Reason, message.Final, message.FailedAt),
            context.CancellationToken);
    }
}
