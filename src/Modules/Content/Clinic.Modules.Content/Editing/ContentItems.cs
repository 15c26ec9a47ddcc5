using System.Text.Json;
using Clinic.Modules.Content.Library;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Editing;

/// <summary>The kinds of content item; stored in events by these names, so never rename one.</summary>
internal static class ContentKinds
{
    public const string Condition = "condition";
    public const string Article = "article";
    public const string Highlights = "highlights";
    public const string CrisisResources = "crisis-resources";

    /// <summary>A text page (terms, privacy notice): legal text, so it too goes live only approved.</summary>
    public const string Page = "page";

    public static readonly string[] All = [Condition, Article, Highlights, CrisisResources, Page];

    /// <summary>
    /// Medical facts (conditions, the research cited for them, the treatment's highlights) and the crisis resources
    /// reach visitors only with a clinical reviewer's approval.
    /// </summary>
    public static bool RequiresApproval(string kind) => kind is Condition or Article or Highlights or CrisisResources or Page;

    /// <summary>The site always shows the highlights and the crisis resources: they can be corrected, never taken down.</summary>
    public static bool CanUnpublish(string kind) => kind is Condition or Article;
}

/// <summary>One published item: its stream key, kind and body (the JSON of its entry in the data files).</summary>
/// <param name="LiveSince">When the live version went live (unknown for the shipped files before the store is read).</param>
internal sealed record PublishedItem(string Key, string Kind, string Body, DateTimeOffset? LiveSince = null);

/// <summary>
/// The bridge between editable items and the site's <see cref="ContentLibrary"/>: each condition and article is an
/// item, the home page's highlights one, the crisis resources one. A body is that item's entry in the data files'
/// own format, so the site is built from published items by the same validation that checks the files.
/// </summary>
internal static class ContentItems
{
    public const string HighlightsKey = "highlights";
    public const string CrisisResourcesKey = "crisis-resources";

    public static string ConditionKey(string slug) => $"condition/{slug}";

    public static string ArticleKey(string id) => $"article/{id}";

    public static string PageKey(string name) => $"page/{name}";

    /// <summary>The seed files as items, in their files' order (kept as each item's order).</summary>
    public static IReadOnlyList<PublishedItem> FromEmbeddedFiles()
    {
        static Stream Open(string name) => typeof(ContentLibrary).Assembly.GetManifestResourceStream($"Clinic.Content.{name}")
            ?? throw new InvalidDataException($"{name}: the data file is missing from the Content module.");

        var conditions = Read<ConditionsFile>(Open, "conditions.json").Conditions ?? [];
        var articles = Read<ArticlesFile>(Open, "articles.json").Articles ?? [];
        return
        [
            .. conditions.Select((c, i) => new PublishedItem(ConditionKey(c.Slug!), ContentKinds.Condition, Serialize(c with { Order = i }))),
            .. articles.Select((a, i) => new PublishedItem(ArticleKey(a.Id!), ContentKinds.Article, Serialize(a with { Order = i }))),
            new PublishedItem(HighlightsKey, ContentKinds.Highlights, Serialize(Read<HighlightsFile>(Open, "highlights.json"))),
            new PublishedItem(CrisisResourcesKey, ContentKinds.CrisisResources, Serialize(Read<CrisisFile>(Open, "crisis.json"))),
            .. TextPages.Shipped.Select(p => new PublishedItem(PageKey(p.Key), ContentKinds.Page, Serialize(new PageFile(p.Value.Title, p.Value.Markdown)))),
        ];
    }

    /// <summary>
    /// The site as these items describe it, checked as the data files are: an error names the field. Articles keep
    /// only the conditions that are published (one whose conditions are all unpublished is left out).
    /// </summary>
    public static ContentLibrary Build(IEnumerable<PublishedItem> items, int conditionsVersion)
    {
        var byKind = items.ToLookup(i => i.Kind);
        var conditions = byKind[ContentKinds.Condition].Select(i => Parse<ConditionFile>(i)).OrderBy(c => c.Order ?? int.MaxValue).ThenBy(c => c.Slug, StringComparer.Ordinal).ToList();
        var slugs = conditions.Select(c => c.Slug).ToHashSet(StringComparer.Ordinal);
        var articles = byKind[ContentKinds.Article].Select(i => Parse<ArticleFile>(i))
            .Select(a => a with { Conditions = a.Conditions?.Where(slugs.Contains).ToList() })
            .Where(a => a.Conditions is { Count: > 0 })
            .OrderBy(a => a.Order ?? int.MaxValue).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        var highlights = Single(byKind[ContentKinds.Highlights], "highlights");
        var crisis = Single(byKind[ContentKinds.CrisisResources], "crisis resources");

        var files = new Dictionary<string, byte[]>
        {
            ["conditions.json"] = JsonSerializer.SerializeToUtf8Bytes(new ConditionsFile(conditionsVersion, conditions), JsonOptions),
            ["articles.json"] = JsonSerializer.SerializeToUtf8Bytes(new ArticlesFile(articles), JsonOptions),
            ["highlights.json"] = System.Text.Encoding.UTF8.GetBytes(highlights.Body),
            ["crisis.json"] = System.Text.Encoding.UTF8.GetBytes(crisis.Body),
        };
        return Load(name => new MemoryStream(files[name], writable: false)).WithPages(Pages(byKind[ContentKinds.Page]));

        static PublishedItem Single(IEnumerable<PublishedItem> of, string what) =>
            of.SingleOrDefault() ?? throw new InvalidDataException($"No {what} are published.");
    }

    /// <summary>The published text pages, checked; a page the store does not hold yet keeps its shipped text.</summary>
    private static Dictionary<string, TextPage> Pages(IEnumerable<PublishedItem> items)
    {
        var pages = TextPages.Shipped.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var item in items)
        {
            var name = item.Key.StartsWith("page/", StringComparison.Ordinal) ? item.Key["page/".Length..] : "";
            if (!TextPages.IsName(name))
            {
                throw new InvalidDataException($"{item.Key}: not a page of the site.");
            }

            var page = Parse<PageFile>(item);
            pages[name] = new TextPage(
                string.IsNullOrWhiteSpace(page.Title) ? throw new InvalidDataException($"{item.Key}: title is required.") : page.Title,
                string.IsNullOrWhiteSpace(page.Markdown) ? throw new InvalidDataException($"{item.Key}: markdown is required.") : page.Markdown);
        }

        return pages;
    }

    public static string Serialize<T>(T body) => JsonSerializer.Serialize(body, JsonOptions);

    private static T Parse<T>(PublishedItem item)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(item.Body, JsonOptions) ?? throw new InvalidDataException($"{item.Key}: the body is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{item.Key}: not valid at {e.Path?.TrimStart('$', '.')}: {e.Message}", e);
        }
    }
}
