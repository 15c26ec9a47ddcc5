using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>The review workflow's pages in a real browser: preview, comparison and schedule, each checked by axe.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task An_editor_previews_a_draft_and_compares_it_and_a_reviewer_opens_the_schedule_all_accessible()
    {
        const string slug = "crps";
        var key = ContentItems.ConditionKey(slug);
        var line = $"A line to preview in the browser {Guid.NewGuid():N}.";
        using (var scope = clinic.App.Services.CreateScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
            var json = JsonNode.Parse(clinic.App.Services.GetRequiredService<PublishedContent>().Current.Items.Single(i => i.Key == key).Body)!;
            json["description"]!.AsArray().Add(line);
            var version = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key).Version;
            var saved = await editing.HandleAsync(key, new SaveDraft(ContentKinds.Condition, json.ToJsonString()), version, ClinicFixture.EditorUserName, CancellationToken.None);
            Assert.True(saved.Outcome == EditOutcome.Done, saved.Message);
        }

        var page = await SignedInPageAsync(ClinicFixture.EditorUserName);
        var shots = new Screenshots(page, nameof(An_editor_previews_a_draft_and_compares_it_and_a_reviewer_opens_the_schedule_all_accessible));
        await page.GotoAsync($"/staff/content/items/{key}");
        await AssertAccessibleAsync(page, "content item page with its workflow links");

        await page.GetByRole(AriaRole.Link, new() { Name = "Preview the pending change as visitors will see it" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/staff/content/preview/site/conditions/{slug}/{key}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Complementary, new() { Name = "Preview" })).ToContainTextAsync("not what visitors see yet");
        await Assertions.Expect(page.GetByText(line)).ToBeVisibleAsync();
        await shots.TakeAsync("01-preview");
        await AssertAccessibleAsync(page, "preview of a condition page");

        await page.GotoAsync($"/staff/content/items/{key}");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Compare version \\d+ with previous") }).Last.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Compare versions of {key}");
        await Assertions.Expect(page.Locator("td.diff-added")).ToContainTextAsync(line);
        await shots.TakeAsync("02-diff");
        await AssertAccessibleAsync(page, "comparison of two versions");

        var reviewer = await SignedInPageAsync(ClinicFixture.ReviewerUserName);
        await reviewer.GotoAsync($"/staff/content/schedule/{key}");
        await Assertions.Expect(reviewer.GetByLabel(new Regex("^Publish at"))).ToBeVisibleAsync();
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Schedule publication" }).ClickAsync();
        // Only an approved change may be scheduled: the page says why and nothing is scheduled.
        await Assertions.Expect(reviewer.GetByRole(AriaRole.Alert)).ToContainTextAsync("Submit the change for review first.");
        await AssertAccessibleAsync(reviewer, "schedule page with a refusal");
    }
}
