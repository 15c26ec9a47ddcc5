using System.Net;
using AngleSharp.Html.Parser;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// The editors' forms for conditions and articles: each mistake on its field with nothing saved, a conflict that
/// shows the other person's version and keeps what was typed, and hostile text in every field never live on a page.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed class ContentEditorsTests(ClinicFixture clinic)
{
    private const string Script = "<script>alert('pwned')</script>";
    private const string Image = "<img src=x onerror=alert(1)>";
    private const string Link = "[click](javascript:alert(1))";

    private async Task<int> CountItemsAsync()
    {
        using var scope = clinic.App.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<ContentEditing>().ListAsync(CancellationToken.None)).Count;
    }

    private static async Task<string> ErrorsAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{response.StatusCode}: {html}");
        return html;
    }

    private static string FieldError(string html, string id) =>
        new HtmlParser().ParseDocument(html).GetElementById($"{id}-error")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task The_condition_editor_puts_each_mistake_on_its_field_and_saves_nothing()
    {
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var before = await CountItemsAsync();

        var html = await ErrorsAsync(await editor.PostFormAsync("/staff/content/new/condition", new()
        {
            ["Form.Slug"] = "Not A Slug!",
            ["Form.Name"] = "",
            ["Form.Summary"] = new string('s', 401),
            ["Form.FactsHeading"] = "Facts without any",
            ["Form.Signs"] = "A sign without a heading",
            ["Form.Order"] = "first",
        }));
        Assert.Contains("lower-case letters", FieldError(html, "Form_Slug"), StringComparison.Ordinal);
        Assert.Equal("Enter the name.", FieldError(html, "Form_Name"));
        Assert.Contains("at most 400 characters", FieldError(html, "Form_Summary"), StringComparison.Ordinal);
        Assert.Contains("at least one", FieldError(html, "Form_Facts"), StringComparison.Ordinal);
        Assert.Contains("heading", FieldError(html, "Form_SignsHeading"), StringComparison.Ordinal);
        Assert.Contains("whole number", FieldError(html, "Form_Order"), StringComparison.Ordinal);
        // What was typed is still there.
        Assert.Contains("value=\"Facts without any\"", html, StringComparison.Ordinal);

        var taken = await ErrorsAsync(await editor.PostFormAsync("/staff/content/new/condition", new() { ["Form.Slug"] = "ptsd", ["Form.Name"] = "PTSD again" }));
        Assert.Contains("already a condition", FieldError(taken, "Form_Slug"), StringComparison.Ordinal);
        Assert.Equal(before, await CountItemsAsync());
    }

    [Fact]
    public async Task The_article_editor_refuses_malformed_identifiers_field_by_field_and_echoes_them_encoded()
    {
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var before = await CountItemsAsync();
        foreach (var (doi, pmid, url) in new[]
        {
            ("javascript:alert(1)", "<script>", "javascript:alert(1)"),
            ("10.1016/x" + Image, "123456789", "data:text/html,<script>alert(1)</script>"),
            ("https://example.org/10.1016/j", "PMID 1", "/relative/path"),
        })
        {
            var html = await ErrorsAsync(await editor.PostFormAsync("/staff/content/new/article", new()
            {
                ["Form.Title"] = "",
                ["Form.Year"] = Script,
                ["Form.Doi"] = doi,
                ["Form.PubMedId"] = pmid,
                ["Form.Url"] = url,
            }));
            Assert.Equal("Enter the title.", FieldError(html, "Form_Title"));
            Assert.Contains("1900 to 2100", FieldError(html, "Form_Year"), StringComparison.Ordinal);
            Assert.Contains("10.NNNN/", FieldError(html, "Form_Doi"), StringComparison.Ordinal);
            Assert.Contains("1 to 8 digits", FieldError(html, "Form_PubMedId"), StringComparison.Ordinal);
            Assert.Contains("https://", FieldError(html, "Form_Url"), StringComparison.Ordinal);
            Assert.Contains("at least one condition", FieldError(html, "Form_Conditions"), StringComparison.Ordinal);
            AssertNothingLive(html);
        }

        Assert.Equal(before, await CountItemsAsync());
    }

    [Fact]
    public async Task A_second_editor_saving_over_a_change_sees_the_other_version_and_keeps_what_they_typed()
    {
        const string page = "/staff/content/edit/condition/postpartum-depression";
        using var first = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        using var second = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        var firstForm = await FormPage.OpenAsync(first, page);
        var secondForm = await FormPage.OpenAsync(second, page);

        var saved = await firstForm.SubmitAsync(new() { ["Form.Name"] = "Postpartum Depression", ["Form.Body"] = "The first editor's paragraph." });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var conflict = await secondForm.SubmitAsync(new() { ["Form.Name"] = "Postpartum Depression", ["Form.Body"] = "The second editor's paragraph." });
        var html = await conflict.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var document = new HtmlParser().ParseDocument(html);
        Assert.Contains("changed this item meanwhile", document.GetElementById("problem")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("The first editor's paragraph.", document.GetElementById("their-version")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("The second editor's paragraph.", document.GetElementById("Form_Body")!.TextContent.Trim());

        // Saving again from the conflict page is a deliberate choice, and it works.
        var again = await second.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            ["Form.Version"] = document.GetElementById("Form_Version")!.GetAttribute("value")!,
            ["Form.Name"] = "Postpartum Depression",
            ["Form.Body"] = "The second editor's paragraph.",
        }));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("The second editor&#x27;s paragraph.", await second.GetStringAsync(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_event_handler_and_javascript_payloads_in_every_editor_field_are_never_live_after_publishing()
    {
        const string slug = "suicidal-ideation";
        const string conditionPage = $"/staff/content/edit/condition/{slug}";
        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        using var reviewer = await clinic.SignInAsync(ClinicFixture.ReviewerUserName);
        var payload = $"Hostile {Script} {Image} {Link} javascript:alert(1)";
        string? articleItem = null;
        try
        {
            // Fields with a format refuse the payloads; the rest store them as typed.
            var refused = await ErrorsAsync(await editor.PostFormAsync(conditionPage, new() { ["Form.Name"] = "Suicidal Ideation", ["Form.Order"] = Script }));
            Assert.NotEmpty(FieldError(refused, "Form_Order"));
            AssertNothingLive(refused);
            var slugRefused = await ErrorsAsync(await editor.PostFormAsync("/staff/content/new/condition", new() { ["Form.Slug"] = Image, ["Form.Name"] = "x" }));
            Assert.NotEmpty(FieldError(slugRefused, "Form_Slug"));
            AssertNothingLive(slugRefused);

            await SaveAsync(editor, conditionPage, new()
            {
                ["Form.Name"] = $"Suicidal ideation {Image}",
                ["Form.Summary"] = payload,
                ["Form.Body"] = $"{payload}\n\n<a href=\"javascript:alert(2)\">raw</a>\n\n[data](data:text/html,<script>alert(3)</script>)",
                ["Form.FactsHeading"] = $"Facts {Script}",
                ["Form.Facts"] = $"{payload}\n{Image}",
                ["Form.SignsHeading"] = $"Signs {Image}",
                ["Form.Signs"] = $"{payload}\n{Script}",
                ["Form.Order"] = "3",
            });
            await PublishAsync(editor, reviewer, $"/staff/content/items/condition/{slug}");

            articleItem = await SaveAsync(editor, "/staff/content/new/article", new()
            {
                ["Form.Title"] = $"Hostile article {Script} {Image} {Link}",
                ["Form.Authors"] = $"{Script}\n{Image}\njavascript:alert(1)",
                ["Form.Source"] = payload,
                ["Form.Year"] = "2024",
                ["Form.Month"] = Image,
                ["Form.Volume"] = "<script>alert(1)</script>",
                ["Form.Issue"] = "javascript:alert(1)",
                ["Form.Pages"] = Image,
                ["Form.Doi"] = "https://doi.org/10.1000/xyz(1)",
                ["Form.PubMedId"] = "12345",
                ["Form.Url"] = "https://example.org/a?b=<c>".Replace("<c>", "c", StringComparison.Ordinal),
                ["Form.Conditions"] = slug,
            });
            await PublishAsync(editor, reviewer, articleItem);

            using var visitor = clinic.CreateBrowser();
            foreach (var (who, path) in new[]
            {
                (visitor, $"/conditions/{slug}"), (visitor, "/research?q=hostile"), (visitor, "/"),
                (editor, conditionPage), (editor, $"/staff/content/items/condition/{slug}"), (editor, "/staff/content"),
                (editor, articleItem.Replace("/staff/content/items/", "/staff/content/edit/", StringComparison.Ordinal)), (reviewer, articleItem),
            })
            {
                var html = await who.GetStringAsync(path);
                AssertNothingLive(html);
                if (path.StartsWith("/conditions/", StringComparison.Ordinal) || path.StartsWith("/research", StringComparison.Ordinal))
                {
                    // Shown as text: the visitor reads exactly what the editor typed.
                    var text = new HtmlParser().ParseDocument(html).Body!.TextContent;
                    Assert.Contains($"Hostile article {Script} {Image}", text, StringComparison.Ordinal);
                }
            }

            var condition = await visitor.GetStringAsync($"/conditions/{slug}");
            var page = new HtmlParser().ParseDocument(condition);
            Assert.Contains($"Suicidal ideation {Image}", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
            Assert.Contains(page.QuerySelectorAll("a[href]"), a => a.GetAttribute("href") == "https://doi.org/10.1000/xyz(1)");
            Assert.Contains(page.QuerySelectorAll("a[href]"), a => a.GetAttribute("href") == "https://pubmed.ncbi.nlm.nih.gov/12345/");

            // And in a real browser nothing runs: no dialog opens on the public or the staff pages.
            var browserPage = await clinic.OpenPageAsync();
            var dialogs = new List<string>();
            browserPage.Dialog += (_, dialog) =>
            {
                dialogs.Add(dialog.Message);
                _ = dialog.DismissAsync();
            };
            foreach (var path in new[] { $"/conditions/{slug}", "/research?q=hostile" })
            {
                await browserPage.GotoAsync(path, new() { WaitUntil = Microsoft.Playwright.WaitUntilState.NetworkIdle });
                foreach (var link in await browserPage.Locator("main a:text-is('click')").AllAsync())
                {
                    await link.ClickAsync();
                }
            }

            Assert.Empty(dialogs);
        }
        finally
        {
            // Visitors' pages go back to the seed, so other tests see the site as shipped.
            await ReviewerStepAsync(reviewer, $"/staff/content/items/condition/{slug}", new() { ["rollBackTo"] = "1" });
            if (articleItem is not null)
            {
                await ReviewerStepAsync(reviewer, articleItem, new() { ["step"] = "unpublish" });
            }
        }
    }

    /// <summary>No script of the page's own making, no event handler, no javascript:/data: link, no injected image.</summary>
    internal static void AssertNothingLive(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        Assert.All(document.QuerySelectorAll("script"), s => Assert.True(s.HasAttribute("src") && s.TextContent.Length == 0, $"an inline script: {s.OuterHtml}"));
        Assert.Empty(document.QuerySelectorAll("img"));
        Assert.All(document.All, e => Assert.DoesNotContain(e.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.All(document.QuerySelectorAll("[href], [src], [action], [formaction]"), e => Assert.All(
            e.Attributes.Where(a => a.Name is "href" or "src" or "action" or "formaction"),
            a => Assert.False(a.Value.Trim().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || a.Value.Trim().StartsWith("data:", StringComparison.OrdinalIgnoreCase),
                $"a live {a.Name}: {e.OuterHtml}")));
    }

    /// <summary>Saves a draft through the form; the item page it lands on.</summary>
    private static async Task<string> SaveAsync(HttpClient editor, string page, Dictionary<string, string> fields)
    {
        var response = await editor.PostFormAsync(page, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.OriginalString;
    }

    private static async Task PublishAsync(HttpClient editor, HttpClient reviewer, string item)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync(item, new() { ["step"] = "submit" })).StatusCode);
        await ReviewerStepAsync(reviewer, item, new() { ["step"] = "approve" });
        await ReviewerStepAsync(reviewer, item, new() { ["step"] = "publish" });
    }

    private static async Task ReviewerStepAsync(HttpClient reviewer, string item, Dictionary<string, string> fields)
    {
        var response = await reviewer.PostFormAsync(item, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{string.Join(",", fields)} on {item}: {response.StatusCode}");
    }
}
