using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// The review workflow around an item: previewing a draft as visitors will see it, comparing two versions,
/// publishing at a scheduled time, and a conflict that shows the other person's version. Each test edits its own
/// item (crps, fibromyalgia, bipolar-depression, one OCD article) so they never meet other tests' changes.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class ContentWorkflowTests(ClinicFixture clinic)
{
    private const string OtherEditor = "other.editor";

    /// <summary>Runs one workflow step as the named person through the module's service (what the pages call).</summary>
    private async Task<EditResult> RunAsync(string key, EditCommand command, string by)
    {
        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        var version = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key).Version;
        var result = await editing.HandleAsync(key, command, version, by, CancellationToken.None);
        Assert.True(result.Outcome == EditOutcome.Done, $"{command} by {by}: {result.Message}");
        return result;
    }

    /// <summary>The item's live body with one change made to its JSON.</summary>
    private JsonNode LiveBody(string key) =>
        JsonNode.Parse(clinic.App.Services.GetRequiredService<PublishedContent>().Current.Items.Single(i => i.Key == key).Body)!;

    private static string Text(string html) =>
        WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "<[^>]+>", ""), @"\s+", " ")).Trim();

    [Fact]
    public async Task A_preview_shows_the_draft_on_the_public_page_while_visitors_still_see_the_live_version()
    {
        const string slug = "crps";
        var key = ContentItems.ConditionKey(slug);
        var line = $"A preview line {Guid.NewGuid():N}.";
        var json = LiveBody(key);
        json["description"]!.AsArray().Add(line);
        await RunAsync(key, new SaveDraft(ContentKinds.Condition, json.ToJsonString()), ClinicFixture.EditorUserName);

        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var entry = await editor.GetAsync($"/staff/content/preview/{key}");
        Assert.Equal(HttpStatusCode.Redirect, entry.StatusCode);
        var previewPath = entry.Headers.Location!.OriginalString;
        Assert.Equal($"/staff/content/preview/site/conditions/{slug}/{key}", previewPath);

        using var preview = await editor.GetAsync(previewPath);
        var html = await preview.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains(line, html, StringComparison.Ordinal);
        Assert.Contains("id=\"preview-banner\"", html, StringComparison.Ordinal);
        Assert.Contains("Preview — not what visitors see yet.", html, StringComparison.Ordinal);
        Assert.Contains("noindex", preview.Headers.GetValues("X-Robots-Tag").Single(), StringComparison.Ordinal);
        Assert.Contains("no-store", preview.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        using var visitor = clinic.CreateBrowser();
        Assert.DoesNotContain(line, await visitor.GetStringAsync($"/conditions/{slug}"), StringComparison.Ordinal);
        var anonymous = await visitor.GetAsync(previewPath);
        Assert.Equal("/account/login", new Uri(clinic.BaseAddress, anonymous.Headers.Location!).AbsolutePath);
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var refused = await staff.GetAsync(previewPath);
        Assert.Equal("/account/denied", new Uri(clinic.BaseAddress, refused.Headers.Location!).AbsolutePath);

        // Never cached: the next draft shows at once, at the same address.
        var second = $"A second preview line {Guid.NewGuid():N}.";
        json["description"]!.AsArray().Add(second);
        await RunAsync(key, new SaveDraft(ContentKinds.Condition, json.ToJsonString()), ClinicFixture.EditorUserName);
        Assert.Contains(second, await editor.GetStringAsync(previewPath), StringComparison.Ordinal);
        foreach (var other in new[] { Previews.Home(key), Previews.Research(key), Previews.Crisis(key) })
        {
            Assert.Contains("id=\"preview-banner\"", await editor.GetStringAsync(other), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(second, await visitor.GetStringAsync($"/conditions/{slug}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_that_does_not_validate_shows_the_validation_error_instead_of_failing()
    {
        const string slug = "crps";
        var key = ContentItems.ConditionKey(slug);
        // The store can hold a draft that no longer builds (it was checked against what was published then).
        var store = clinic.App.Services.GetRequiredService<IContentStore>();
        await using (var session = store.LightweightSession())
        {
            var stream = await session.Events.FetchStreamStateAsync(key);
            session.Events.Append(key, stream!.Version + 1, new ContentDraftSaved(key, ContentKinds.Condition, """{"slug":"crps","name":" "}""", stream.Version, OtherEditor, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        using var reviewer = await clinic.SignInAsync(ClinicFixture.ReviewerUserName);
        var entry = await reviewer.GetAsync($"/staff/content/preview/{key}");
        var site = await reviewer.GetAsync($"/staff/content/preview/site/conditions/{slug}/{key}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, entry.StatusCode);
        Assert.Contains("name is required", await entry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal($"/staff/content/preview/{key}", site.Headers.Location!.OriginalString);

        // Leaves the item with a draft that builds again.
        await RunAsync(key, new SaveDraft(ContentKinds.Condition, LiveBody(key).ToJsonString()), ClinicFixture.EditorUserName);
    }

    [Fact]
    public async Task The_difference_between_two_versions_shows_a_changed_line_as_removed_and_added()
    {
        var key = ContentItems.ConditionKey("fibromyalgia");
        var json = LiveBody(key);
        var oldName = json["name"]!.GetValue<string>();
        var newName = $"{oldName} (renamed {Guid.NewGuid():N})";
        json["name"] = newName;
        var draft = await RunAsync(key, new SaveDraft(ContentKinds.Condition, json.ToJsonString()), ClinicFixture.EditorUserName);

        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var item = await editor.GetStringAsync($"/staff/content/items/{key}");
        var link = Regex.Match(item, $"href=\"(/staff/content/diff/{key}\\?from=(\\d+)&(?:amp;)?to={draft.Version})\"");
        Assert.True(link.Success, "the new draft's history entry links to a comparison with the previous version");

        var html = await editor.GetStringAsync(WebUtility.HtmlDecode(link.Groups[1].Value));
        var removed = Regex.Matches(html, "<td class=\"diff-removed\">(.*?)</td>", RegexOptions.Singleline).Select(m => Text(m.Groups[1].Value)).ToList();
        var added = Regex.Matches(html, "<td class=\"diff-added\">(.*?)</td>", RegexOptions.Singleline).Select(m => Text(m.Groups[1].Value)).ToList();
        Assert.Equal([$"−Removed: Name: {oldName}"], removed);
        Assert.Equal([$"+Added: Name: {newName}"], added);
        Assert.Contains("<del>", html, StringComparison.Ordinal);
        Assert.Contains("<ins>", html, StringComparison.Ordinal);

        var wrong = await editor.GetAsync($"/staff/content/diff/{key}?from=abc&to=999999");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var problems = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("id=\"from-error\" class=\"field-error\">Choose a version from 1 to", problems, StringComparison.Ordinal);
        Assert.Contains("id=\"to-error\" class=\"field-error\">Choose a version from 1 to", problems, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scheduled_publication_goes_live_when_due_and_not_before_as_by_the_person_who_scheduled_it()
    {
        const string slug = "bipolar-depression";
        var key = ContentItems.ConditionKey(slug);
        var line = $"A scheduled line {Guid.NewGuid():N}.";
        var json = LiveBody(key);
        json["description"]!.AsArray().Add(line);
        await RunAsync(key, new SaveDraft(ContentKinds.Condition, json.ToJsonString()), ClinicFixture.EditorUserName);
        await RunAsync(key, new SubmitForReview(), ClinicFixture.EditorUserName);
        var schedulePage = $"/staff/content/schedule/{key}";
        using var reviewer = await clinic.SignInAsync(ClinicFixture.ReviewerUserName);

        // Not approved yet: refused, nothing stored.
        var early = await reviewer.PostFormAsync(schedulePage, new() { ["publishAt"] = ClinicTime(DateTimeOffset.UtcNow.AddHours(1)) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
        Assert.Contains("Only an approved change can be scheduled", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await RunAsync(key, new Approve(), ClinicFixture.ReviewerUserName);

        var past = await reviewer.PostFormAsync(schedulePage, new() { ["publishAt"] = ClinicTime(DateTimeOffset.UtcNow.AddMinutes(-5)) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.Contains("id=\"publishAt-error\" class=\"field-error\">Choose a time in the future.", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var due = DateTimeOffset.UtcNow.AddSeconds(6);
        var scheduled = await reviewer.PostFormAsync(schedulePage, new() { ["publishAt"] = ClinicTime(due) });
        Assert.Equal(HttpStatusCode.Redirect, scheduled.StatusCode);
        Assert.Contains($"scheduled by {ClinicFixture.ReviewerUserName}", await reviewer.GetStringAsync($"/staff/content/items/{key}"), StringComparison.Ordinal);
        var list = Text(await reviewer.GetStringAsync("/staff/content"));
        Assert.Matches($"{Regex.Escape(key)} condition approved\\s?, scheduled for .* by {Regex.Escape(ClinicFixture.ReviewerUserName)}", list);
        using var visitor = clinic.CreateBrowser();
        Assert.DoesNotContain(line, await visitor.GetStringAsync($"/conditions/{slug}"), StringComparison.Ordinal);

        await Eventually.TrueAsync(async () => (await visitor.GetStringAsync($"/conditions/{slug}")).Contains(line, StringComparison.Ordinal),
            "the scheduled change to reach visitors");

        using var scope = clinic.App.Services.CreateScope();
        var history = await scope.ServiceProvider.GetRequiredService<ContentEditing>().HistoryAsync(key, CancellationToken.None);
        var published = history.Select(e => e.Data).OfType<ContentPublished>().Last();
        Assert.Equal(ClinicFixture.ReviewerUserName, published.By);
        var dueToTheSecond = new DateTimeOffset(due.Ticks - (due.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Assert.Equal(dueToTheSecond, history.Select(e => e.Data).OfType<ContentPublishScheduled>().Last().PublishAt);
        Assert.True(published.At >= dueToTheSecond, $"published at {published.At:O}, scheduled for {dueToTheSecond:O}");
        Assert.Contains($"as scheduled by {ClinicFixture.ReviewerUserName}", await reviewer.GetStringAsync($"/staff/content/items/{key}"), StringComparison.Ordinal);
    }

    /// <summary>A datetime-local value in the clinic's zone, to the second.</summary>
    private string ClinicTime(DateTimeOffset at)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(clinic.App.Services.GetRequiredService<ScheduleClock>().ZoneId);
        return TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_workflow_action_that_meets_another_change_shows_who_made_it_and_their_version()
    {
        var key = ContentItems.ArticleKey("rodriguez-2013-ketamine-ocd-crossover-trial");
        var json = LiveBody(key);
        json["title"] = $"{json["title"]!.GetValue<string>()} (draft {Guid.NewGuid():N})";
        await RunAsync(key, new SaveDraft(ContentKinds.Article, json.ToJsonString()), ClinicFixture.EditorUserName);
        var page = $"/staff/content/items/{key}";
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var form = await FormPage.OpenAsync(editor, page);
        var seen = long.Parse(form.Hidden["version"], System.Globalization.CultureInfo.InvariantCulture);

        json["title"] = $"{json["title"]!.GetValue<string>()} (theirs)";
        var theirs = await RunAsync(key, new SaveDraft(ContentKinds.Article, json.ToJsonString()), OtherEditor);
        var conflict = await form.SubmitAsync(new() { ["step"] = "submit" });

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var html = await conflict.Content.ReadAsStringAsync();
        Assert.Contains($"Their version: version {theirs.Version}, by {OtherEditor}", Text(html), StringComparison.Ordinal);
        var diff = $"/staff/content/diff/{key}?from={seen}&to={theirs.Version}";
        Assert.Contains($"href=\"{diff.Replace("&", "&amp;", StringComparison.Ordinal)}\"", html, StringComparison.Ordinal);
        var compared = Text(await editor.GetStringAsync(diff));
        Assert.Contains("(theirs)", compared, StringComparison.Ordinal);
    }
}
