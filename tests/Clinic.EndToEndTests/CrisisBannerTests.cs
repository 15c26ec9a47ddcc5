using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>The crisis banner on every page shows the crisis resources a clinical reviewer published.</summary>
[Collection(ClinicCollection.Name)]
public sealed class CrisisBannerTests(ClinicFixture clinic)
{
    [Fact]
    public async Task A_published_crisis_resource_reaches_the_banner_on_Content_and_Intake_pages()
    {
        using var visitor = clinic.CreateBrowser();
        await using (await ContentPublishingTests.RestoredAfterAsync(clinic, ContentItems.CrisisResourcesKey))
        {
            await PublishWarmlineAndSeeItAsync(visitor);
        }

        // Rolled back: the shipped banner, word for word, again.
        await Eventually.TrueAsync(
            async () => await BannerAsync(visitor, "/schedule") is { } banner &&
                banner.Contains("<strong>In immediate danger? Call <a href=\"tel:911\">911</a>.</strong>", StringComparison.Ordinal) &&
                !banner.Contains("warmline", StringComparison.Ordinal),
            "the shipped banner after the roll back");
    }

    private async Task PublishWarmlineAndSeeItAsync(HttpClient visitor)
    {
        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        var item = (await editing.ListAsync(CancellationToken.None)).Single(i => i.Id == ContentItems.CrisisResourcesKey);
        var body = JsonNode.Parse(item.LiveBody!)!;
        body["resources"]!.AsArray().Insert(1, new JsonObject
        {
            ["id"] = "warmline",
            ["title"] = "Banner test warmline",
            ["text"] = "Banner test warmline: call",
            ["actions"] = new JsonArray(new JsonObject { ["label"] = "555-0142", ["href"] = "tel:5550142" }),
        });
        await editing.PublishAsync(ContentItems.CrisisResourcesKey, ContentKinds.CrisisResources, body.ToJsonString(), item.Version);

        foreach (var page in new[] { "/", "/schedule" })
        {
            await Eventually.TrueAsync(
                async () => await BannerAsync(visitor, page) is { } banner &&
                    banner.Contains("Banner test warmline: call", StringComparison.Ordinal) &&
                    banner.Contains("<a href=\"tel:5550142\">555-0142</a>", StringComparison.Ordinal) &&
                    banner.Contains("href=\"tel:988\"", StringComparison.Ordinal),
                $"the new crisis resource in the banner of {page}");
        }
    }

    private static async Task<string?> BannerAsync(HttpClient visitor, string page) =>
        new HtmlParser().ParseDocument(await visitor.GetStringAsync(page)).QuerySelector("aside.crisis")?.InnerHtml;
}
