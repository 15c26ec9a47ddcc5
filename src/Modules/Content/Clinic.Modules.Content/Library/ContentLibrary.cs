using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Clinic.Modules.Content.Library;

/// <summary>
/// All of the site's content, loaded once from the module's data files (Data/*.json) and validated:
/// a mistake in a file stops the host at startup with an error naming the file and the field.
/// </summary>
internal sealed class ContentLibrary
{
    private readonly Dictionary<string, Condition> _conditionsBySlug;

    public ContentLibrary(
        IReadOnlyList<Condition> conditions,
        IReadOnlyList<Article> articles,
        string intro,
        IReadOnlyList<Highlight> highlights,
        IReadOnlyList<CrisisResource> crisisResources,
        string formerCrisisNumberNote)
    {
        Conditions = conditions;
        Articles = articles;
        Intro = intro;
        Highlights = highlights;
        CrisisResources = crisisResources;
        FormerCrisisNumberNote = formerCrisisNumberNote;
        _conditionsBySlug = conditions.ToDictionary(c => c.Slug, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Condition> Conditions { get; }

    /// <summary>The content version of the condition list (conditions.json's "version"): raised with every change to it.</summary>
    public int ConditionsVersion { get; init; } = 1;

    public IReadOnlyList<Article> Articles { get; }

    public string Intro { get; }

    public IReadOnlyList<Highlight> Highlights { get; }

    public IReadOnlyList<CrisisResource> CrisisResources { get; }

    public string FormerCrisisNumberNote { get; }

    /// <summary>The text pages by name ("terms", "privacy"); the shipped text until the store's is loaded.</summary>
    public IReadOnlyDictionary<string, TextPage> Pages { get; private set; } = TextPages.Shipped;

    /// <summary>Sets the pages while the library is being built, before anyone reads it.</summary>
    public ContentLibrary WithPages(IReadOnlyDictionary<string, TextPage> pages)
    {
        Pages = pages;
        return this;
    }

    public Condition? FindCondition(string slug) => _conditionsBySlug.GetValueOrDefault(slug);

    public IEnumerable<Article> ArticlesAbout(string slug) =>
        Articles.Where(a => a.Conditions.Contains(slug, StringComparer.OrdinalIgnoreCase));

    /// <summary>Articles about a condition (or all), whose title, authors or source contain every search word.</summary>
    public IReadOnlyList<Article> Search(string? conditionSlug, string? text)
    {
        var words = Fold(text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. (string.IsNullOrEmpty(conditionSlug) ? Articles : ArticlesAbout(conditionSlug))
            .Where(a =>
            {
                var haystack = Fold(string.Join(' ', [a.Title, .. a.Authors, a.Source ?? ""]));
                return words.All(w => haystack.Contains(w, StringComparison.Ordinal));
            })];
    }

    /// <summary>Lower case without diacritics, so "sorensen" finds "Sörensen".</summary>
    private static string Fold(string value)
    {
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    public static ContentLibrary LoadEmbedded() => Load(name =>
        typeof(ContentLibrary).Assembly.GetManifestResourceStream($"Clinic.Content.{name}")
        ?? throw new InvalidDataException($"{name}: the data file is missing from the Content module."));

    /// <summary>Reads and cross-checks the data files; <paramref name="open"/> opens one by file name.</summary>
    public static ContentLibrary Load(Func<string, Stream> open)
    {
        var conditionsFile = Read<ConditionsFile>(open, "conditions.json");
        var articlesFile = Read<ArticlesFile>(open, "articles.json");
        var highlightsFile = Read<HighlightsFile>(open, "highlights.json");
        var crisisFile = Read<CrisisFile>(open, "crisis.json");

        var conditions = ValidateConditions(conditionsFile);
        var conditionsVersion = conditionsFile.Version is >= 1 and var version
            ? version
            : throw new Checker("conditions.json").Fail("version", "must be a whole number from 1 up, raised whenever the list of conditions changes");
        var slugs = conditions.Select(c => c.Slug).ToHashSet(StringComparer.Ordinal);
        var articles = ValidateArticles(articlesFile, slugs);

        var check = new Checker("highlights.json");
        var intro = check.Text(highlightsFile.Intro, "intro");
        var highlights = check.List(highlightsFile.Highlights, "highlights")
            .Select((h, i) => new Highlight(check.Text(h.Title, $"highlights[{i}].title"), check.Text(h.Text, $"highlights[{i}].text")))
            .ToList();

        check = new Checker("crisis.json");
        var resources = check.List(crisisFile.Resources, "resources").Select((r, i) =>
        {
            var at = $"resources[{i}]";
            var actions = check.List(r.Actions, $"{at}.actions").Select((a, j) =>
            {
                var href = check.Text(a.Href, $"{at}.actions[{j}].href");
                if (!href.StartsWith("tel:", StringComparison.Ordinal) && !href.StartsWith("sms:", StringComparison.Ordinal) &&
                    !href.StartsWith("https://", StringComparison.Ordinal))
                {
                    throw check.Fail($"{at}.actions[{j}].href", "must start with tel:, sms: or https://");
                }

                return new CrisisAction(check.Text(a.Label, $"{at}.actions[{j}].label"), href);
            }).ToList();
            return new CrisisResource(check.Text(r.Id, $"{at}.id"), check.Text(r.Title, $"{at}.title"), check.Text(r.Text, $"{at}.text"), actions);
        }).ToList();
        var formerNote = check.Text(crisisFile.FormerNumberNote, "formerNumberNote");

        return new ContentLibrary(conditions, articles, intro, highlights, resources, formerNote) { ConditionsVersion = conditionsVersion };
    }

    private static List<Condition> ValidateConditions(ConditionsFile file)
    {
        var check = new Checker("conditions.json");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. check.List(file.Conditions, "conditions").Select((c, i) =>
        {
            var at = $"conditions[{i}]";
            var slug = check.Text(c.Slug, $"{at}.slug");
            if (!slug.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                throw check.Fail($"{at}.slug", $"'{slug}' must be lower-case letters, digits and dashes");
            }

            if (!seen.Add(slug))
            {
                throw check.Fail($"{at}.slug", $"'{slug}' appears twice");
            }

            var description = c.Description ?? [];
            return new Condition(
                slug,
                check.Text(c.Name, $"{at}.name"),
                description,
                Facts(c.Facts, $"{at}.facts"),
                Facts(c.WarningSigns, $"{at}.warningSigns"))
            {
                Summary = string.IsNullOrWhiteSpace(c.Summary) ? null : c.Summary,
                // Rendered once per published snapshot, so a visitor's page never runs Markdig.
                DescriptionHtml = ContentMarkdown.ToHtml(string.Join("\n\n", description)),
            };
        })];

        FactList? Facts(FactFile? facts, string at) => facts is null
            ? null
            : new FactList(check.Text(facts.Heading, $"{at}.heading"), check.List(facts.Items, $"{at}.items"));
    }

    private static List<Article> ValidateArticles(ArticlesFile file, HashSet<string> slugs)
    {
        var check = new Checker("articles.json");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. check.List(file.Articles, "articles").Select((a, i) =>
        {
            var at = $"articles[{i}]";
            var id = check.Text(a.Id, $"{at}.id");
            if (!seen.Add(id))
            {
                throw check.Fail($"{at}.id", $"'{id}' appears twice");
            }

            var conditions = check.List(a.Conditions, $"{at}.conditions");
            for (var j = 0; j < conditions.Count; j++)
            {
                if (!slugs.Contains(conditions[j]))
                {
                    throw check.Fail($"{at}.conditions[{j}]", $"'{conditions[j]}' is not a condition slug in conditions.json");
                }
            }

            if (a.Year is < 1900 or > 2100)
            {
                throw check.Fail($"{at}.year", $"{a.Year} is not a plausible year");
            }

            string? doi = null;
            if (a.Doi is not null && !ArticleLinks.TryNormalizeDoi(a.Doi, out doi))
            {
                throw check.Fail($"{at}.doi", $"'{a.Doi}' is not a DOI (10.NNNN/…)");
            }

            if (a.PubMedId is not null && !ArticleLinks.IsPubMedId(a.PubMedId))
            {
                throw check.Fail($"{at}.pubMedId", $"'{a.PubMedId}' is not a PubMed id (1 to 8 digits)");
            }

            if (a.Url is not null && !ArticleLinks.IsWebAddress(a.Url))
            {
                throw check.Fail($"{at}.url", $"'{a.Url}' is not an absolute http or https address");
            }

            return new Article(
                id, check.Text(a.Title, $"{at}.title"), a.Authors ?? [], a.EtAl, a.Source, a.Year, a.Month,
                a.Volume, a.Issue, a.Pages, conditions, check.List(a.AsListed, $"{at}.asListed"))
            {
                Doi = doi,
                PubMedId = a.PubMedId,
                Url = a.Url,
            };
        })];
    }

    internal static T Read<T>(Func<string, Stream> open, string fileName)
    {
        using var stream = open(fileName);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, JsonOptions)
                ?? throw new InvalidDataException($"{fileName}: the file is empty.");
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path.TrimStart('$', '.')}";
            throw new InvalidDataException($"{fileName}: not valid{where}: {e.Message}", e);
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private sealed class Checker(string fileName)
    {
        public InvalidDataException Fail(string field, string problem) => new($"{fileName}: {field} {problem}.");

        public string Text(string? value, string field) =>
            string.IsNullOrWhiteSpace(value) ? throw Fail(field, "is required") : value;

        public List<TItem> List<TItem>(List<TItem>? items, string field) =>
            items is { Count: > 0 } ? items : throw Fail(field, "must list at least one entry");
    }

    // The shapes of the data files; an edited item's body is one of these, serialized the same way (ContentItems).
    internal sealed record ConditionsFile(int? Version, List<ConditionFile>? Conditions);

    /// <param name="Order">Where the condition is listed; the seed files list them in order and leave it out.</param>
    /// <param name="Summary">One or two plain sentences under the name; optional (the seed files have none).</param>
    internal sealed record ConditionFile(string? Slug, string? Name, List<string>? Description, FactFile? Facts, FactFile? WarningSigns, int? Order = null, string? Summary = null);

    internal sealed record FactFile(string? Heading, List<string>? Items);

    internal sealed record ArticlesFile(List<ArticleFile>? Articles);

    /// <param name="Order">Where the article is listed; the seed files list them in order and leave it out.</param>
    internal sealed record ArticleFile(
        string? Id, string? Title, List<string>? Authors, bool EtAl, string? Source, int? Year, string? Month,
        string? Volume, string? Issue, string? Pages, List<string>? Conditions, List<string>? AsListed, int? Order = null,
        string? Doi = null, string? PubMedId = null, string? Url = null);

    internal sealed record HighlightsFile(string? Intro, List<HighlightFile>? Highlights);

    internal sealed record HighlightFile(string? Title, string? Text);

    internal sealed record CrisisFile(List<CrisisResourceFile>? Resources, string? FormerNumberNote);

    internal sealed record CrisisResourceFile(string? Id, string? Title, string? Text, List<CrisisActionFile>? Actions);

    internal sealed record CrisisActionFile(string? Label, string? Href);

    /// <summary>A text page's body: its title and its Markdown.</summary>
    internal sealed record PageFile(string? Title, string? Markdown);
}
