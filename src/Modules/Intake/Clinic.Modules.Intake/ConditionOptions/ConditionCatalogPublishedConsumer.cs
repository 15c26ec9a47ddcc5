using Clinic.Modules.Content.Contracts;
using Marten;
using MassTransit;

namespace Clinic.Modules.Intake.ConditionOptions;

/// <summary>Replaces Intake's copy of the condition catalogue, unless an older publication arrives late.</summary>
internal sealed class ConditionCatalogPublishedConsumer(IIntakeStore store) : IConsumer<ConditionCatalogPublished>
{
    public async Task Consume(ConsumeContext<ConditionCatalogPublished> context)
    {
        var message = context.Message;
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId, context.CancellationToken);
        if (current is not null && current.PublishedAt > message.PublishedAt)
        {
            return;
        }

        session.Store(new ConditionChoices
        {
            Conditions = [.. message.Conditions.Select(c => new ConditionChoices.Choice(c.Slug, c.Name))],
            PublishedAt = message.PublishedAt,
        });
        await session.SaveChangesAsync(context.CancellationToken);
    }
}
