using Clinic.Modules.Intake.Domain;
using Marten;
using MassTransit;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>
/// Writes each staff notification into the request's history, once per channel and recipient,
/// so an auditor sees exactly who was told, how and when.
/// </summary>
internal sealed class StaffNotifiedConsumer(IIntakeStore store) : IConsumer<Integration.StaffNotified>
{
    public async Task Consume(ConsumeContext<Integration.StaffNotified> context)
    {
        var message = context.Message;
        await using var session = store.LightweightSession();
        await RequestHistoryWriter.AppendOnceAsync(
            session,
            message.RequestId,
            request => request.WasNotified(message.Channel, message.Recipient, message.Escalation?.Deadline, message.Escalation?.Step),
            new StaffAlerted(message.Channel, message.Recipient, message.NotifiedAt, message.Escalation?.Deadline, message.Escalation?.Step),
            context.CancellationToken);
    }
}
