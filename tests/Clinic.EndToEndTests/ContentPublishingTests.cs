using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// The editors of the home page's highlights, the crisis resources and the text pages (terms, privacy): field-level
/// errors, conflicts that keep the editor's input, and hostile input that never runs on a visitor's page.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class ContentPublishingTests(ClinicFixture clinic)
{
    private const string Script = "<script>alert('xss')</script>";
    private const string Handler = "<img src=x onerror=alert(1)>";

    /// <summary>Posts an editor's form as the page shows it now (its antiforgery token and version), with <paramref name="fields"/>.</summary>
    internal static async Task<HttpResponseMessage> PostEditorAsync(HttpClient browser, string page, Dictionary<string, string> fields, string? version = null)
    {
        var html = await browser.GetStringAsync(page);
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Token().Match(html).Groups[1].Value),
            ["Form.Version"] = version ?? FormVersion().Match(html).Groups[1].Value,
        };
        return await browser.PostAsync(page, new FormUrlEncodedContent(form));
    }

    internal static async Task<string> VersionShownAsync(HttpClient browser, string page) =>
        FormVersion().Match(await browser.GetStringAsync(page)).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex FormVersion();

    /// <summary>The saved draft submitted by the editor, approved and published by the reviewer.</summary>
    internal static async Task PublishDraftAsync(ClinicFixture clinic, string key)
    {
        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        await editing.PublishDraftAsync(key, (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key).Version);
    }

    /// <summary>
    /// Other tests read the shipped highlights, crisis resources and terms: each test here puts back what was live
    /// before (a roll back, as a reviewer would) and leaves no pending draft behind it.
    /// </summary>
    internal static async Task<IAsyncDisposable> RestoredAfterAsync(ClinicFixture clinic, string key)
    {
        using var scope = clinic.App.Services.CreateScope();
        var live = (await scope.ServiceProvider.GetRequiredService<ContentEditing>().ListAsync(CancellationToken.None)).Single(i => i.Id == key).LiveVersion!.Value;
        return new Restore(clinic, key, live);
    }

    private sealed class Restore(ClinicFixture clinic, string key, int live) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var scope = clinic.App.Services.CreateScope();
            var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
            var item = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key);
            if (item.Review != "none")
            {
                // A pending draft is replaced by the live body, published again as a new version.
                var state = ContentItemState.From(await editing.HistoryAsync(key, CancellationToken.None))!;
                var version = item.Version;
                foreach (var (command, by) in new (EditCommand, string)[]
                {
                    (new SaveDraft(item.Kind, state.Publications[live]), ClinicFixture.EditorUserName),
                    (new SubmitForReview(), ClinicFixture.EditorUserName),
                    (new Approve(), ClinicFixture.ReviewerUserName),
                    (new Publish(), ClinicFixture.ReviewerUserName),
                })
                {
                    version = (await editing.HandleAsync(key, command, version, by, CancellationToken.None)).Version;
                }

                item = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key);
            }

            if (item.LiveVersion != live)
            {
                await editing.HandleAsync(key, new RollBack(live), item.Version, ClinicFixture.ReviewerUserName, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task Hostile_highlights_are_shown_as_text_on_the_home_page()
    {
        await using var restore = await RestoredAfterAsync(clinic, ContentItems.HighlightsKey);
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var saved = await PostEditorAsync(editor, "/staff/content/edit/highlights", new()
        {
            ["Form.Intro"] = "Our research, reviewed. " + Script,
            ["Form.Highlights[0].Title"] = "Fast " + Handler,
            ["Form.Highlights[0].Text"] = "Relief within hours. <a href=\"javascript:alert(1)\">more</a>",
            ["Form.Highlights[1].Title"] = "",
            ["Form.Highlights[1].Text"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/staff/content/items/highlights", saved.Headers.Location!.OriginalString);
        await PublishDraftAsync(clinic, ContentItems.HighlightsKey);

        using var visitor = clinic.CreateBrowser();
        var home = await visitor.GetStringAsync("/");
        Assert.Contains("Our research, reviewed. &lt;script&gt;", home, StringComparison.Ordinal);
        Assert.Contains("Fast &lt;img src=x onerror=alert(1)&gt;", home, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", home, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", home, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", home, StringComparison.Ordinal);
        Assert.DoesNotContain("Long-Term Symptom Relief", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crisis_action_link_must_be_tel_sms_or_https_and_the_error_names_the_field()
    {
        await using var restore = await RestoredAfterAsync(clinic, ContentItems.CrisisResourcesKey);
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        const string page = "/staff/content/edit/crisis-resources";
        var before = await VersionShownAsync(editor, page);
        var refused = await PostEditorAsync(editor, page, new()
        {
            ["Form.Resources[0].Id"] = "emergency",
            ["Form.Resources[0].Title"] = "In immediate danger",
            ["Form.Resources[0].Text"] = "Call 911.",
            ["Form.Resources[0].Actions[0].Label"] = "Call 911",
            ["Form.Resources[0].Actions[0].Href"] = "tel:911",
            ["Form.Resources[0].Actions[1].Label"] = "Help",
            ["Form.Resources[0].Actions[1].Href"] = "javascript:alert(1)",
            ["Form.Resources[1].Id"] = "Bad Id",
            ["Form.Resources[1].Title"] = "",
            ["Form.Resources[1].Text"] = "Text us.",
            ["Form.Resources[1].Actions[0].Label"] = "Text",
            ["Form.Resources[1].Actions[0].Href"] = "JavaScript:alert(1)//https://",
            ["Form.FormerNumberNote"] = "Note.",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Matches("id=\"Form_Resources_0__Actions_1__Href-error\"[^>]*>The link must be a phone number", html);
        Assert.Matches("id=\"Form_Resources_1__Actions_0__Href-error\"[^>]*>The link must be a phone number", html);
        Assert.Matches("id=\"Form_Resources_1__Id-error\"[^>]*>The id of resource 2 must be lower-case", html);
        Assert.Matches("id=\"Form_Resources_1__Title-error\"[^>]*>Enter the title of resource 2", html);
        // The editor's input is kept, as typed (and encoded).
        Assert.Contains("value=\"javascript:alert(1)\"", html, StringComparison.Ordinal);
        Assert.Equal(before, await VersionShownAsync(editor, page));

        using var visitor = clinic.CreateBrowser();
        Assert.DoesNotContain("javascript:", await visitor.GetStringAsync("/crisis-resources"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_crisis_resources_change_needs_a_reviewers_approval_and_its_text_is_shown_as_text()
    {
        await using var restore = await RestoredAfterAsync(clinic, ContentItems.CrisisResourcesKey);
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var saved = await PostEditorAsync(editor, "/staff/content/edit/crisis-resources", new()
        {
            ["Form.Resources[0].Id"] = "lifeline",
            ["Form.Resources[0].Title"] = "988 Lifeline " + Script,
            ["Form.Resources[0].Text"] = "Call or text 988 " + Handler,
            ["Form.Resources[0].Actions[0].Label"] = "Call 988 \"><svg onload=alert(1)>",
            ["Form.Resources[0].Actions[0].Href"] = "tel:988",
            ["Form.Resources[0].Actions[1].Label"] = "Chat",
            ["Form.Resources[0].Actions[1].Href"] = "https://988lifeline.org/chat",
            ["Form.FormerNumberNote"] = "The former number still works.",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        using (var scope = clinic.App.Services.CreateScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
            var version = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == ContentItems.CrisisResourcesKey).Version;
            var submitted = await editing.HandleAsync(ContentItems.CrisisResourcesKey, new SubmitForReview(), version, ClinicFixture.EditorUserName, CancellationToken.None);
            var unapproved = await editing.HandleAsync(ContentItems.CrisisResourcesKey, new Publish(), submitted.Version, ClinicFixture.ReviewerUserName, CancellationToken.None);
            Assert.Equal(EditOutcome.Refused, unapproved.Outcome);
            var approved = await editing.HandleAsync(ContentItems.CrisisResourcesKey, new Approve(), submitted.Version, ClinicFixture.ReviewerUserName, CancellationToken.None);
            Assert.Equal(EditOutcome.Done, (await editing.HandleAsync(ContentItems.CrisisResourcesKey, new Publish(), approved.Version, ClinicFixture.ReviewerUserName, CancellationToken.None)).Outcome);
        }

        using var visitor = clinic.CreateBrowser();
        var crisis = await visitor.GetStringAsync("/crisis-resources");
        Assert.Contains("988 Lifeline &lt;script&gt;", crisis, StringComparison.Ordinal);
        Assert.Contains("href=\"https://988lifeline.org/chat\"", crisis, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", crisis, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", crisis, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", crisis, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_terms_page_renders_its_markdown_without_scripts_handlers_or_javascript_links()
    {
        await using var restore = await RestoredAfterAsync(clinic, ContentItems.PageKey("terms"));
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var saved = await PostEditorAsync(editor, "/staff/content/edit/page/terms", new()
        {
            ["Form.Title"] = "Terms of use " + Script,
            ["Form.Markdown"] = $"## Revised terms\n\nPlease read **carefully**.\n\n{Script}\n\n{Handler}\n\n[click me](javascript:alert(1))\n\n<a href=\"#\" onclick=\"alert(1)\">x</a>",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await PublishDraftAsync(clinic, ContentItems.PageKey("terms"));

        using var visitor = clinic.CreateBrowser();
        var terms = await visitor.GetStringAsync("/terms");
        Assert.Contains("<h2>Revised terms</h2>", terms, StringComparison.Ordinal);
        Assert.Contains("<strong>carefully</strong>", terms, StringComparison.Ordinal);
        Assert.Contains("Terms of use &lt;script&gt;", terms, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", terms, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", terms, StringComparison.Ordinal);
        // Raw HTML in the Markdown is shown as text, never as a tag.
        Assert.Contains("&lt;a href=\"#\" onclick=\"alert(1)\"&gt;", terms, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"#\" onclick", terms, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", terms, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_second_editor_saving_the_privacy_page_meanwhile_gets_a_conflict_with_the_others_version_and_keeps_their_input()
    {
        const string page = "/staff/content/edit/page/privacy";
        await using var restore = await RestoredAfterAsync(clinic, ContentItems.PageKey("privacy"));
        using var first = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        using var second = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var seen = await VersionShownAsync(second, page);

        var saved = await PostEditorAsync(first, page, new() { ["Form.Title"] = "Privacy notice", ["Form.Markdown"] = "First editor wording." }, seen);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var conflict = await PostEditorAsync(second, page, new() { ["Form.Title"] = "Privacy notice", ["Form.Markdown"] = "Second editor wording." }, seen);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var html = await conflict.Content.ReadAsStringAsync();
        Assert.Contains("changed this item meanwhile", html, StringComparison.Ordinal);
        Assert.Contains("<p>First editor wording.</p>", html, StringComparison.Ordinal);
        Assert.Contains("Second editor wording.</textarea>", html, StringComparison.Ordinal);

        // Saving again, having seen theirs, replaces it.
        var version = FormVersion().Match(html).Groups[1].Value;
        Assert.NotEqual(seen, version);
        var again = await PostEditorAsync(second, page, new() { ["Form.Title"] = "Privacy notice", ["Form.Markdown"] = "Second editor wording." }, version);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }
}
