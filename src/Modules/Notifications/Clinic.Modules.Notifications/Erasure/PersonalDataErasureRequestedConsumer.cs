using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Marten;
using MassTransit;

namespace Clinic.Modules.Notifications.Erasure;

/// <summary>
/// Removes the visitor from the delivery log of an erased request: the acknowledgement's row keeps its claim (so a
/// replayed message still does not send again) but no longer names an address. Staff recipients stay: they are the
/// clinic's own. Idempotent.
/// </summary>
internal sealed class PersonalDataErasureRequestedConsumer(INotificationsStore store) : IConsumer<PersonalDataErasureRequested>
{
    public const string ErasedRecipient = "visitor (erased)";

    public static bool IsVisitorDelivery(DeliveryRecord record) => record.Id.EndsWith(".acknowledgement", StringComparison.Ordinal);

    public async Task Consume(ConsumeContext<PersonalDataErasureRequested> context)
    {
        await using var session = store.LightweightSession();
        var records = await session.Query<DeliveryRecord>().Where(r => r.RequestId == context.Message.RequestId).ToListAsync(context.CancellationToken);
        var changed = false;
        foreach (var record in records.Where(r => IsVisitorDelivery(r) && r.Recipient != ErasedRecipient))
        {
            record.Recipient = ErasedRecipient;
            session.Store(record);
            changed = true;
        }

        if (changed)
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
    }
}
