using Clinic.Modules.Intake.Domain;
using Marten;
using MassTransit;
using Integration = Clinic.Modules.Notifications.Contracts;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>
/// Writes each staff notification into the request's history, once per channel and recipient,
/// so an auditor sees exactly who was told, how and when.
/// </summary>
internal sealed class StaffNotifiedConsumer(IDocumentSession session) : IConsumer<Integration.StaffNotified>
{
    public async Task Consume(ConsumeContext<Integration.StaffNotified> context)
    {
        var message = context.Message;

        // Deliveries of one request arrive together; an exclusive lock on the stream makes them queue
        // rather than fail and retry (a failed append also leaves a gap the async daemon must wait out).
        var stream = await session.Events.FetchForExclusiveWriting<IntakeRequest>(message.RequestId, context.CancellationToken);
        if (stream.Aggregate is null)
        {
            throw new InvalidOperationException($"No intake request with id {message.RequestId}.");
        }

        if (stream.Aggregate.WasNotified(message.Channel, message.Recipient))
        {
            return;
        }

        stream.AppendOne(new StaffNotified(message.Channel, message.Recipient, message.NotifiedAt));
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
