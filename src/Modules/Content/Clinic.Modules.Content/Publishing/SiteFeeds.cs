using System.Globalization;
using System.Text;
using System.Xml;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Content.Publishing;

/// <summary>
/// For feed readers and search engines: an Atom feed of the research library's articles, newest on the site first,
/// /sitemap.xml of the public pages and /robots.txt pointing to it. Absolute addresses come from the request, whose
/// host the host filtering has already checked against AllowedHosts (X-Forwarded-Host only when configured, and
/// only for an allowed name), so a client cannot make them name another site; the output cache keys by host too.
/// Served from the output cache with the content tag, so a publication on any host empties them.
/// </summary>
internal static class SiteFeeds
{
    public const int FeedEntries = 50;
    private const string AtomNamespace = "http://www.w3.org/2005/Atom";
    private const string SitemapNamespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static void MapSiteFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/research/feed.xml", (HttpRequest request, PublishedContent published) =>
                Results.Bytes(Feed(BaseUrl(request), published.Current), "application/atom+xml; charset=utf-8"))
            .CacheOutput(ContentCaching.PolicyName)
            .ExcludeFromDescription();
        app.MapGet("/sitemap.xml", (HttpRequest request, ContentLibrary library) =>
                Results.Bytes(Sitemap(BaseUrl(request), library), "application/xml; charset=utf-8"))
            .CacheOutput(ContentCaching.PolicyName)
            .ExcludeFromDescription();
        app.MapGet("/robots.txt", (HttpRequest request) =>
                Results.Text($"User-agent: *\nDisallow: /staff\nDisallow: /audit\nDisallow: /account\nDisallow: /ops\nDisallow: /api\nSitemap: {BaseUrl(request)}/sitemap.xml\n", "text/plain; charset=utf-8"))
            .CacheOutput(ContentCaching.PolicyName)
            .ExcludeFromDescription();
    }

    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";

    /// <summary>The published articles, most recently published on the site first (then the newest study).</summary>
    internal static byte[] Feed(string baseUrl, PublishedContent.Snapshot snapshot)
    {
        var since = snapshot.Items.Where(i => i.Kind == ContentKinds.Article && i.LiveSince is not null)
            .ToDictionary(i => i.Key, i => i.LiveSince!.Value, StringComparer.Ordinal);
        var articles = snapshot.Library.Articles
            .Select((article, order) => (article, order, at: since.GetValueOrDefault(ContentItems.ArticleKey(article.Id), DateTimeOffset.UnixEpoch)))
            .OrderByDescending(a => a.at).ThenByDescending(a => a.article.Year ?? 0).ThenBy(a => a.order)
            .Take(FeedEntries)
            .ToList();
        var updated = articles.Count > 0 ? articles.Max(a => a.at) : DateTimeOffset.UnixEpoch;

        return Write(writer =>
        {
            writer.WriteStartElement("feed", AtomNamespace);
            writer.WriteElementString("title", AtomNamespace, "Research library: ketamine treatment");
            writer.WriteElementString("subtitle", AtomNamespace, "Articles and studies newly added to the clinic's research library.");
            writer.WriteElementString("id", AtomNamespace, $"{baseUrl}/research/feed.xml");
            Link(writer, "self", $"{baseUrl}/research/feed.xml");
            Link(writer, "alternate", $"{baseUrl}/research");
            writer.WriteElementString("updated", AtomNamespace, Date(updated));
            writer.WriteStartElement("author", AtomNamespace);
            writer.WriteElementString("name", AtomNamespace, "Ketamine Clinic");
            writer.WriteEndElement();
            foreach (var (article, _, at) in articles)
            {
                var address = $"{baseUrl}/research#article-{Uri.EscapeDataString(article.Id)}";
                writer.WriteStartElement("entry", AtomNamespace);
                writer.WriteElementString("title", AtomNamespace, article.Title);
                writer.WriteElementString("id", AtomNamespace, address);
                Link(writer, "alternate", address);
                writer.WriteElementString("updated", AtomNamespace, Date(at));
                var authors = CitationFormat.Authors(article);
                if (authors.Length > 0)
                {
                    writer.WriteStartElement("author", AtomNamespace);
                    writer.WriteElementString("name", AtomNamespace, authors);
                    writer.WriteEndElement();
                }

                var publication = CitationFormat.Publication(article);
                if (publication.Length > 0)
                {
                    writer.WriteElementString("summary", AtomNamespace, publication);
                }

                foreach (var slug in article.Conditions)
                {
                    writer.WriteStartElement("category", AtomNamespace);
                    writer.WriteAttributeString("term", slug);
                    writer.WriteAttributeString("label", snapshot.Library.FindCondition(slug)?.Name ?? slug);
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    /// <summary>The public pages: home, each published condition, the library, treatment, crisis resources, terms, privacy.</summary>
    internal static byte[] Sitemap(string baseUrl, ContentLibrary library)
    {
        string[] paths =
        [
            "/",
            .. library.Conditions.Select(c => $"/conditions/{Uri.EscapeDataString(c.Slug)}"),
            "/research", "/ketamine-treatment", "/crisis-resources", "/terms", "/privacy",
        ];
        return Write(writer =>
        {
            writer.WriteStartElement("urlset", SitemapNamespace);
            foreach (var path in paths)
            {
                writer.WriteStartElement("url", SitemapNamespace);
                writer.WriteElementString("loc", SitemapNamespace, baseUrl + path);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        });
    }

    private static void Link(XmlWriter writer, string rel, string href)
    {
        writer.WriteStartElement("link", AtomNamespace);
        writer.WriteAttributeString("rel", rel);
        writer.WriteAttributeString("href", href);
        writer.WriteEndElement();
    }

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static byte[] Write(Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            writer.WriteStartDocument();
            body(writer);
            writer.WriteEndDocument();
        }

        return stream.ToArray();
    }
}
