using Clinic.Modules.Content.Contracts;
using Marten;
using MassTransit;

namespace Clinic.Modules.Intake.ConditionOptions;

/// <summary>
/// Keeps the highest content version of Content's condition catalogue. An older version (a host of the previous
/// release restarting during a rollout) or the same version again changes nothing. Two consumers racing cannot
/// put an older list over a newer one: the document is stored with optimistic concurrency, so the slower one
/// fails, is retried, and then finds the newer version.
/// </summary>
internal sealed class ConditionCatalogPublishedConsumer(IIntakeStore store, ConditionChoicesCache cache) : IConsumer<ConditionCatalogPublished>
{
    public async Task Consume(ConsumeContext<ConditionCatalogPublished> context)
    {
        var message = context.Message;
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId, context.CancellationToken);
        if (current is not null && current.CatalogVersion >= message.Version)
        {
            return;
        }

        var choices = current ?? new ConditionChoices();
        choices.Conditions = [.. message.Conditions.Select(c => new ConditionChoices.Choice(c.Slug, c.Name))];
        choices.CatalogVersion = message.Version;
        if (current is null)
        {
            // Refused if another consumer inserted it meanwhile; the retry then compares versions.
            session.Insert(choices);
        }
        else
        {
            session.Store(choices);
        }

        await session.SaveChangesAsync(context.CancellationToken);
        cache.Invalidate(message.Version);
    }
}
