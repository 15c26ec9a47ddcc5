using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Marten;
using MassTransit;

namespace Clinic.Modules.Notifications.Erasure;

/// <summary>
/// Removes the visitor from the delivery log of an erased request: the acknowledgement's row keeps its claim (so a
/// replayed message still does not send again) but no longer names an address. Staff recipients stay: they are the
/// clinic's own. An acknowledgement not yet sent is withdrawn (a row is written for it if none is there yet), so one
/// still queued or retrying when the erasure ran is dropped rather than mailed. Idempotent.
/// </summary>
internal sealed class PersonalDataErasureRequestedConsumer(INotificationsStore store) : IConsumer<PersonalDataErasureRequested>
{
    public const string ErasedRecipient = "visitor (erased)";

    public static bool IsVisitorDelivery(DeliveryRecord record) => record.Id.EndsWith(".acknowledgement", StringComparison.Ordinal);

    public static string AcknowledgementDeliveryId(Guid requestId) => $"{requestId:N}.acknowledgement";

    public async Task Consume(ConsumeContext<PersonalDataErasureRequested> context)
    {
        await using var session = store.LightweightSession();
        var records = await session.Query<DeliveryRecord>().Where(r => r.RequestId == context.Message.RequestId).ToListAsync(context.CancellationToken);
        var changed = false;
        foreach (var record in records.Where(r => IsVisitorDelivery(r) && (r.Recipient != ErasedRecipient || (r.DeliveredAt is null && r.WithdrawnAt is null))))
        {
            record.Recipient = ErasedRecipient;
            record.WithdrawnAt ??= record.DeliveredAt is null ? context.Message.ErasedAt : null;
            session.Store(record);
            changed = true;
        }

        if (!records.Any(IsVisitorDelivery))
        {
            // Optimistic concurrency: should the acknowledgement be claimed meanwhile, this fails and is retried.
            session.Insert(new DeliveryRecord
            {
                Id = AcknowledgementDeliveryId(context.Message.RequestId),
                RequestId = context.Message.RequestId,
                Channel = "email",
                Recipient = ErasedRecipient,
                ClaimedAt = DateTimeOffset.MinValue,
                WithdrawnAt = context.Message.ErasedAt,
            });
            changed = true;
        }

        if (changed)
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
    }
}
