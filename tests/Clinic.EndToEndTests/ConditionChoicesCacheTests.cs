using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Intake.ConditionOptions;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Intake keeps the condition choices in memory: a visitor is never refused a condition for a stale copy.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ConditionChoicesCacheTests(ClinicFixture clinic)
{
    [Fact]
    public async Task A_condition_the_store_offers_but_the_cached_copy_lacks_is_accepted_at_once()
    {
        using var visitor = clinic.CreateBrowser();
        // The copy in memory is filled by the form's page.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/schedule")).StatusCode);
        var slug = $"cache-test-{Guid.NewGuid():N}"[..20];
        List<ConditionChoices.Choice> before;
        await using (var session = clinic.Store.LightweightSession())
        {
            // Stored behind the cache's back (no publication, so nothing tells the cache).
            var stored = (await session.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId))!;
            before = stored.Conditions;
            stored.Conditions = [.. before, new ConditionChoices.Choice(slug, "Cache test condition")];
            session.Store(stored);
            await session.SaveChangesAsync();
        }

        try
        {
            // The condition page's "Schedule a call" link: the form offers the condition, already chosen.
            var form = await visitor.GetStringAsync($"/schedule?condition={slug}");
            Assert.Contains($"<option value=\"{slug}\" selected=\"selected\">", form, StringComparison.Ordinal);

            var response = await visitor.PostAsJsonAsync("/api/intake/requests", Visitor.ApiBody(condition: slug));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        finally
        {
            await using var session = clinic.Store.LightweightSession();
            var stored = (await session.LoadAsync<ConditionChoices>(ConditionChoices.CurrentId))!;
            stored.Conditions = before;
            session.Store(stored);
            await session.SaveChangesAsync();
            clinic.App.Services.GetRequiredService<ConditionChoicesCache>().Invalidate(stored.CatalogVersion);
        }
    }

    [Fact]
    public async Task A_published_condition_is_accepted_by_the_api_and_refused_once_unpublished()
    {
        var slug = $"api-cat-{Guid.NewGuid():N}"[..20];
        var key = ContentItems.ConditionKey(slug);
        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        using var visitor = clinic.CreateBrowser();
        // The copy in memory holds the list without the new condition before it is published.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/schedule")).StatusCode);
        var version = await editing.PublishAsync(key, ContentKinds.Condition, ContentPublishing.TestCondition(slug, "API catalogue test condition", 98), 0);
        try
        {
            await Eventually.TrueAsync(
                async () => (await visitor.PostAsJsonAsync("/api/intake/requests", Visitor.ApiBody(condition: slug))).StatusCode == HttpStatusCode.Created,
                "the API to accept the newly published condition");
        }
        finally
        {
            var unpublished = await editing.HandleAsync(key, new Unpublish(), version, ClinicFixture.ReviewerUserName, CancellationToken.None);
            Assert.True(unpublished.Outcome == EditOutcome.Done, unpublished.Message);
        }

        var refused = await Eventually.GetAsync(
            async () =>
            {
                var response = await visitor.PostAsJsonAsync("/api/intake/requests", Visitor.ApiBody(condition: slug));
                return response.StatusCode == HttpStatusCode.BadRequest ? await response.Content.ReadAsStringAsync() : null;
            },
            "the API to refuse the unpublished condition",
            // Well inside the cached copy's 30 s lifetime: the refusal must come from hearing the publication.
            TimeSpan.FromSeconds(5));
        Assert.True(JsonDocument.Parse(refused).RootElement.GetProperty("errors").TryGetProperty("condition", out _));
        Assert.DoesNotContain($"value=\"{slug}\"", await visitor.GetStringAsync("/schedule"), StringComparison.Ordinal);
    }
}
