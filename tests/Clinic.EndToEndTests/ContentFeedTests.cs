using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>The research library's Atom feed, the sitemap and robots.txt: what feed readers and search engines read.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ContentFeedTests(ClinicFixture clinic)
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public async Task A_newly_published_article_leads_the_feed_at_once_and_leaves_it_when_unpublished()
    {
        using var visitor = clinic.CreateBrowser();
        var library = await visitor.GetStringAsync("/research");
        Assert.Contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Research library: newly published articles\" href=\"/research/feed.xml\" />", library, StringComparison.Ordinal);

        var before = await FeedAsync(visitor);
        Assert.Equal($"{clinic.BaseAddress}research/feed.xml", before.Root!.Element(Atom + "id")!.Value);
        Assert.NotEmpty(before.Root.Elements(Atom + "entry"));
        Assert.DoesNotContain(before.Root.Elements(Atom + "entry"), e => e.Element(Atom + "title")!.Value.Contains("Feed test", StringComparison.Ordinal));

        var id = $"feed-test-{Guid.NewGuid():N}"[..20];
        var key = ContentItems.ArticleKey(id);
        using var scope = clinic.App.Services.CreateScope();
        var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
        var body = JsonSerializer.Serialize(new
        {
            id,
            title = "Feed test: ketamine & <esketamine> compared",
            authors = new[] { "Doe J", "Roe R" },
            etAl = false,
            source = "J Test Med",
            year = 2026,
            conditions = new[] { "ptsd" },
            asListed = new[] { "Doe J, Roe R. Feed test. J Test Med. 2026." },
        });
        var version = await editing.PublishAsync(key, ContentKinds.Article, body, 0);

        try
        {
            // The feed was in the output cache; the publication emptied it.
            var after = await FeedAsync(visitor);
            var first = after.Root!.Elements(Atom + "entry").First();
            Assert.Equal("Feed test: ketamine & <esketamine> compared", first.Element(Atom + "title")!.Value);
            Assert.Equal($"{clinic.BaseAddress}research#article-{id}", first.Element(Atom + "id")!.Value);
            Assert.Equal("Doe J, Roe R", first.Element(Atom + "author")!.Element(Atom + "name")!.Value);
            Assert.Equal("ptsd", first.Element(Atom + "category")!.Attribute("term")!.Value);
            Assert.True(DateTimeOffset.Parse(first.Element(Atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-5));
        }
        finally
        {
            Assert.Equal(EditOutcome.Done, (await editing.HandleAsync(key, new Unpublish(), version, ClinicFixture.ReviewerUserName, CancellationToken.None)).Outcome);
        }

        Assert.DoesNotContain((await FeedAsync(visitor)).Root!.Elements(Atom + "entry"), e => e.Element(Atom + "id")!.Value.EndsWith(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sitemap_lists_every_public_page_with_absolute_addresses_and_robots_txt_points_to_it()
    {
        using var visitor = clinic.CreateBrowser();
        using var response = await visitor.GetAsync("/sitemap.xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType!.MediaType);
        var sitemap = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var addresses = sitemap.Root!.Elements(Sitemap + "url").Select(u => u.Element(Sitemap + "loc")!.Value).ToList();
        var site = clinic.BaseAddress.ToString().TrimEnd('/');
        foreach (var path in new[] { "/", "/conditions/ptsd", "/conditions/ocd", "/research", "/ketamine-treatment", "/crisis-resources", "/terms", "/privacy" })
        {
            Assert.Contains(site + path, addresses);
        }

        Assert.DoesNotContain(addresses, a => a.Contains("/staff", StringComparison.Ordinal) || a.Contains("/schedule/confirmation", StringComparison.Ordinal));

        var robots = await visitor.GetStringAsync("/robots.txt");
        Assert.Contains($"Sitemap: {site}/sitemap.xml", robots, StringComparison.Ordinal);
        Assert.Contains("Disallow: /staff", robots, StringComparison.Ordinal);

        // A host name the site does not answer to is refused, so no address in these can name another site.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/sitemap.xml");
        forged.Headers.Host = "evil.example";
        using var refused = await visitor.SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static async Task<XDocument> FeedAsync(HttpClient visitor)
    {
        using var response = await visitor.GetAsync("/research/feed.xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType!.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
