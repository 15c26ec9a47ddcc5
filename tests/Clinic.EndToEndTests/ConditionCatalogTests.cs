using System.Diagnostics;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Contracts;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Intake.ConditionOptions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Intake's copy of Content's condition catalogue during a rollout, when hosts of two versions publish.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ConditionCatalogTests(ClinicFixture clinic)
{
    [Fact]
    public async Task An_old_catalogue_published_late_by_a_restarting_host_does_not_replace_a_newer_one()
    {
        // Content's own latest catalogue may still be on its way after earlier tests' publications: let it land
        // first, so the versions below are the only ones in flight.
        var contentVersion = clinic.App.Services.GetRequiredService<PublishedContent>().Library.ConditionsVersion;
        var current = await Eventually.GetAsync(
            async () => await StoredAsync() is { } stored && stored.CatalogVersion == contentVersion ? stored : null,
            "Intake to hold Content's current catalogue");
        var conditions = current.Conditions.Select(c => new CatalogCondition(c.Slug, c.Name)).ToList();
        Assert.Contains(conditions, c => c.Slug == "ptsd");
        var older = conditions.Where(c => c.Slug != "ptsd").ToList();
        var newer = current.CatalogVersion + 1;

        // The new release publishes its version; then a host of the old release restarts and publishes its older list.
        await PublishAndWaitAsync(new ConditionCatalogPublished(newer, conditions));
        await Eventually.TrueAsync(async () => (await StoredAsync()).CatalogVersion == newer, "Intake to store the newer catalogue");
        await PublishAndWaitAsync(new ConditionCatalogPublished(newer - 1, older));
        // The same version again changes nothing either, whatever it carries.
        await PublishAndWaitAsync(new ConditionCatalogPublished(newer, older));

        var stored = await StoredAsync();
        try
        {
            Assert.Equal(newer, stored.CatalogVersion);
            Assert.Contains(stored.Conditions, c => c.Slug == "ptsd");
            using var visitor = clinic.CreateBrowser();
            Assert.Contains("value=\"ptsd\"", await visitor.GetStringAsync("/schedule"), StringComparison.Ordinal);
        }
        finally
        {
            // Put back Content's own version: left ahead of Content, Intake would ignore the next real publications.
            await using var session = clinic.Store.LightweightSession();
            var choices = (await session.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId))!;
            (choices.CatalogVersion, choices.Conditions) = (current.CatalogVersion, current.Conditions);
            session.Store(choices);
            await session.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task Of_two_consumers_storing_the_catalogue_at_once_the_second_is_refused_and_retried()
    {
        await using var first = clinic.Store.LightweightSession();
        await using var second = clinic.Store.LightweightSession();
        var seenByFirst = (await first.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId))!;
        var seenBySecond = (await second.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId))!;

        first.Store(seenByFirst);
        await first.SaveChangesAsync();
        second.Store(seenBySecond);

        await Assert.ThrowsAnyAsync<JasperFx.ConcurrencyException>(() => second.SaveChangesAsync());
    }

    private async Task<ConditionChoices> StoredAsync()
    {
        await using var session = clinic.Store.QuerySession();
        return await ConditionChoices.LoadAsync(session, CancellationToken.None);
    }

    /// <summary>Publishes as Content does and waits until Intake's consumer has finished with this very message.</summary>
    private async Task PublishAndWaitAsync(ConditionCatalogPublished message)
    {
        var conversation = NewId.NextGuid();
        await clinic.App.Services.GetRequiredService<IBus>().Publish(message, context => context.ConversationId = conversation);
        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().Any(s =>
                s.Kind == ActivityKind.Consumer &&
                Equals(s.GetTagItem("messaging.message.conversation_id"), conversation.ToString()))),
            "Intake to consume the catalogue");
    }
}
