using Clinic.Modules.Intake.Domain;
using Marten;
using MassTransit;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>Writes a failed notification into the request's history: once for the first failure, once for the final one.</summary>
internal sealed class StaffNotificationFailedConsumer(IDocumentSession session) : IConsumer<Integration.StaffNotificationFailed>
{
    public async Task Consume(ConsumeContext<Integration.StaffNotificationFailed> context)
    {
        var message = context.Message;
        var stream = await session.Events.FetchForExclusiveWriting<IntakeRequest>(message.RequestId, context.CancellationToken);
        if (stream.Aggregate is null)
        {
            throw new InvalidOperationException($"No intake request with id {message.RequestId}.");
        }

        if (stream.Aggregate.HasFailure(message.Channel, message.Recipient, message.Final))
        {
            return;
        }

        stream.AppendOne(new NotificationFailed(message.Channel, message.Recipient, message.Reason, message.Final, message.FailedAt));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
