using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>The editors' pages: an editor submits, may not approve; a clinical reviewer approves and publishes; visitors see it.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class ContentEditingPagesTests(ClinicFixture clinic)
{
    /// <summary>Presses one of the item page's buttons, as shown now (its antiforgery token and the version it shows).</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string page, string step)
    {
        var html = await browser.GetStringAsync(page);
        return await browser.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Token().Match(html).Groups[1].Value),
            ["version"] = Version().Match(html).Groups[1].Value,
            ["step"] = step,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"version\" value=\"(\\d+)\"")]
    private static partial Regex Version();

    [Fact]
    public async Task An_editor_submits_a_change_a_reviewer_approves_and_publishes_it_and_visitors_see_it()
    {
        const string slug = "treatment-resistant-depression";
        var key = ContentItems.ConditionKey(slug);
        var page = $"/staff/content/items/{key}";
        var published = clinic.App.Services.GetRequiredService<PublishedContent>();
        var json = JsonNode.Parse(published.Current.Items.Single(i => i.Key == key).Body)!;
        json["description"]!.AsArray().Add("A line the editors added.");
        using (var scope = clinic.App.Services.CreateScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
            var version = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == key).Version;
            var saved = await editing.HandleAsync(key, new SaveDraft(ContentKinds.Condition, json.ToJsonString()), version, ClinicFixture.EditorUserName, CancellationToken.None);
            Assert.True(saved.Outcome == EditOutcome.Done, saved.Message);
        }

        using var editor = await clinic.SignInAsync(ClinicFixture.EditorUserName);
        Assert.Contains(key, await editor.GetStringAsync("/staff/content"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(editor, page, "submit")).StatusCode);
        var approveOwn = await PostAsync(editor, page, "approve");
        Assert.Equal("/account/denied", new Uri(clinic.BaseAddress, approveOwn.Headers.Location!).AbsolutePath);

        using var reviewer = await clinic.SignInAsync(ClinicFixture.ReviewerUserName);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(reviewer, page, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(reviewer, page, "publish")).StatusCode);
        var nothingLeft = await PostAsync(reviewer, page, "publish");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothingLeft.StatusCode);
        Assert.Contains("There is no new change to publish.", await nothingLeft.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var visitor = clinic.CreateBrowser();
        Assert.Contains("A line the editors added.", await visitor.GetStringAsync($"/conditions/{slug}"), StringComparison.Ordinal);
        var history = await reviewer.GetStringAsync(page);
        Assert.Contains($"{ClinicFixture.EditorUserName}: Submitted it for review", history, StringComparison.Ordinal);
        Assert.Contains($"{ClinicFixture.ReviewerUserName}: Published version 2", history, StringComparison.Ordinal);
    }
}
