using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clinic.Modules.Content.Library;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Editing;

/// <summary>A form's problems, each under the name of the field it belongs to (as posted: "Form.Name").</summary>
internal sealed class FormErrors : List<(string Field, string Message)>
{
    public void Add(string field, string message) => Add((field, message));
}

/// <summary>Checks shared by the editors' forms: required text, lengths, and no control characters.</summary>
internal static partial class FormText
{
    /// <summary>Trimmed text, or null when empty; a problem is added for what no page could show.</summary>
    public static string? Line(string? value, string field, string label, int max, FormErrors errors, bool required = false)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, $"Enter the {label}.");
            }

            return null;
        }

        if (text.Length > max)
        {
            errors.Add(field, $"The {label} can be at most {max} characters; it has {text.Length}.");
        }
        else if (text.Any(char.IsControl))
        {
            errors.Add(field, $"The {label} must be one line, without control characters.");
        }

        return text;
    }

    /// <summary>Multi-line text (line breaks and tabs allowed), trimmed, or null when empty.</summary>
    public static string? Block(string? value, string field, string label, int max, FormErrors errors)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (text is null)
        {
            return null;
        }

        if (text.Length > max)
        {
            errors.Add(field, $"The {label} can be at most {max} characters; it has {text.Length}.");
        }
        else if (text.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            errors.Add(field, $"The {label} has control characters; remove them.");
        }

        return text;
    }

    /// <summary>One entry per non-empty line.</summary>
    public static List<string> Lines(string? value, string field, string label, int maxLines, int maxLength, FormErrors errors)
    {
        var lines = (value ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count > maxLines)
        {
            errors.Add(field, $"List at most {maxLines} {label}; there are {lines.Count}.");
        }
        else if (lines.FirstOrDefault(l => l.Length > maxLength) is { } tooLong)
        {
            errors.Add(field, $"Each of the {label} can be at most {maxLength} characters; one has {tooLong.Length}.");
        }
        else if (lines.Any(l => l.Any(char.IsControl)))
        {
            errors.Add(field, $"The {label} have control characters; remove them.");
        }

        return lines;
    }

    public static bool IsSlug(string value) => Slug().IsMatch(value);

    /// <summary>An address-safe name made from a title: "Ketamine for PTSD (2024)" → "ketamine-for-ptsd-2024".</summary>
    public static string Slugify(string title, int max)
    {
        var text = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                text.Append(c);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }

        var slug = text.ToString(0, Math.Min(text.Length, max)).Trim('-');
        return slug.Length == 0 ? "article" : slug;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();
}

/// <summary>The condition editor's fields, as posted; <see cref="ToFile"/> checks them and makes the item's body.</summary>
internal sealed class ConditionForm
{
    public const int MaxSlugLength = 60;
    public const int MaxNameLength = 120;
    public const int MaxSummaryLength = 400;
    public const int MaxBodyLength = 20_000;
    public const int MaxHeadingLength = 120;
    public const int MaxItems = 30;
    public const int MaxItemLength = 500;

    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Summary { get; set; }
    public string? Body { get; set; }
    public string? FactsHeading { get; set; }
    public string? Facts { get; set; }
    public string? SignsHeading { get; set; }
    public string? Signs { get; set; }
    public string? Order { get; set; }

    /// <summary>The stream version the editor saw (0 for a new condition).</summary>
    public long Version { get; set; }

    public static ConditionForm From(ConditionFile file, long version) => new()
    {
        Slug = file.Slug,
        Name = file.Name,
        Summary = file.Summary,
        // The data files hold paragraphs; plain paragraphs are Markdown already.
        Body = string.Join("\n\n", file.Description ?? []),
        FactsHeading = file.Facts?.Heading,
        Facts = string.Join('\n', file.Facts?.Items ?? []),
        SignsHeading = file.WarningSigns?.Heading,
        Signs = string.Join('\n', file.WarningSigns?.Items ?? []),
        Order = file.Order?.ToString(CultureInfo.InvariantCulture),
        Version = version,
    };

    /// <param name="slug">The condition's slug: fixed for an existing one, from the form for a new one.</param>
    public ConditionFile ToFile(string slug, FormErrors errors)
    {
        var name = FormText.Line(Name, "Form.Name", "name", MaxNameLength, errors, required: true);
        var summary = FormText.Line(Summary, "Form.Summary", "summary", MaxSummaryLength, errors);
        var body = FormText.Block(Body, "Form.Body", "description", MaxBodyLength, errors);
        var facts = List(FactsHeading, Facts, "Facts", "facts");
        var signs = List(SignsHeading, Signs, "Signs", "warning signs");
        int? order = null;
        if (!string.IsNullOrWhiteSpace(Order))
        {
            order = int.TryParse(Order.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 10_000
                ? n
                : Fail<int?>("Form.Order", "The order must be a whole number from 0 to 10000.");
        }

        return new ConditionFile(slug, name, body is null ? [] : [body], facts, signs, order, summary);

        FactFile? List(string? headingValue, string? itemsValue, string field, string label)
        {
            var heading = FormText.Line(headingValue, $"Form.{field}Heading", $"heading of the {label}", MaxHeadingLength, errors);
            var items = FormText.Lines(itemsValue, $"Form.{field}", label, MaxItems, MaxItemLength, errors);
            if (heading is null && items.Count == 0)
            {
                return null;
            }

            if (heading is null)
            {
                errors.Add($"Form.{field}Heading", $"Give the {label} a heading, or remove the {label}.");
            }
            else if (items.Count == 0)
            {
                errors.Add($"Form.{field}", $"List at least one of the {label} (one per line), or clear their heading.");
            }

            return new FactFile(heading, items);
        }

        T Fail<T>(string field, string message)
        {
            errors.Add(field, message);
            return default!;
        }
    }

    /// <summary>The slug of a new condition: checked for its format; whether it is taken is the page's question.</summary>
    public string? NewSlug(FormErrors errors)
    {
        var slug = FormText.Line(Slug, "Form.Slug", "address name (slug)", MaxSlugLength, errors, required: true);
        if (slug is not null && slug.Length <= MaxSlugLength && !FormText.IsSlug(slug))
        {
            errors.Add("Form.Slug", "The address name may hold only lower-case letters, digits and single dashes between them, like “social-anxiety”.");
        }

        return slug;
    }
}

/// <summary>The article editor's fields, as posted; <see cref="ToFile"/> checks them and makes the item's body.</summary>
internal sealed class ArticleForm
{
    public const int MaxTitleLength = 500;
    public const int MaxAuthors = 60;
    public const int MaxAuthorLength = 200;
    public const int MaxSourceLength = 200;
    public const int MaxShortLength = 30;

    public string? Title { get; set; }
    public string? Authors { get; set; }
    public bool EtAl { get; set; }
    public string? Source { get; set; }
    public string? Year { get; set; }
    public string? Month { get; set; }
    public string? Volume { get; set; }
    public string? Issue { get; set; }
    public string? Pages { get; set; }
    public string? Doi { get; set; }
    public string? PubMedId { get; set; }
    public string? Url { get; set; }
    public List<string> Conditions { get; set; } = [];

    /// <summary>The stream version the editor saw (0 for a new article).</summary>
    public long Version { get; set; }

    public static ArticleForm From(ArticleFile file, long version) => new()
    {
        Title = file.Title,
        Authors = string.Join('\n', file.Authors ?? []),
        EtAl = file.EtAl,
        Source = file.Source,
        Year = file.Year?.ToString(CultureInfo.InvariantCulture),
        Month = file.Month,
        Volume = file.Volume,
        Issue = file.Issue,
        Pages = file.Pages,
        Doi = file.Doi,
        PubMedId = file.PubMedId,
        Url = file.Url,
        Conditions = file.Conditions ?? [],
        Version = version,
    };

    /// <param name="existing">The article as it stands (null for a new one): what the form does not edit is kept.</param>
    /// <param name="conditionSlugs">The published conditions an article may belong to.</param>
    public ArticleFile ToFile(string id, ArticleFile? existing, IReadOnlySet<string> conditionSlugs, FormErrors errors)
    {
        var title = FormText.Line(Title, "Form.Title", "title", MaxTitleLength, errors, required: true);
        var authors = FormText.Lines(Authors, "Form.Authors", "authors", MaxAuthors, MaxAuthorLength, errors);
        var source = FormText.Line(Source, "Form.Source", "source", MaxSourceLength, errors);
        int? year = null;
        if (!string.IsNullOrWhiteSpace(Year))
        {
            if (int.TryParse(Year.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1900 and <= 2100)
            {
                year = y;
            }
            else
            {
                errors.Add("Form.Year", "The year must be four digits from 1900 to 2100.");
            }
        }

        var month = FormText.Line(Month, "Form.Month", "month", MaxShortLength, errors);
        var volume = FormText.Line(Volume, "Form.Volume", "volume", MaxShortLength, errors);
        var issue = FormText.Line(Issue, "Form.Issue", "issue", MaxShortLength, errors);
        var pages = FormText.Line(Pages, "Form.Pages", "pages", MaxShortLength, errors);

        string? doi = null;
        if (!string.IsNullOrWhiteSpace(Doi) && !ArticleLinks.TryNormalizeDoi(Doi, out doi))
        {
            errors.Add("Form.Doi", "Enter the DOI as 10.NNNN/… (for example 10.1176/appi.ajp.2018.17060720), with or without https://doi.org/ in front.");
        }

        var pubMedId = string.IsNullOrWhiteSpace(PubMedId) ? null : PubMedId.Trim();
        if (pubMedId is not null && !ArticleLinks.IsPubMedId(pubMedId))
        {
            errors.Add("Form.PubMedId", "The PubMed id is 1 to 8 digits (the PMID), for example 29945463.");
        }

        var url = string.IsNullOrWhiteSpace(Url) ? null : Url.Trim();
        if (url is not null && !ArticleLinks.IsWebAddress(url))
        {
            errors.Add("Form.Url", $"The address must be a full web address starting with https:// (or http://), at most {ArticleLinks.MaxUrlLength} characters.");
        }

        var conditions = Conditions.Where(c => !string.IsNullOrWhiteSpace(c)).Distinct(StringComparer.Ordinal).ToList();
        if (conditions.Count == 0)
        {
            errors.Add("Form.Conditions", "Choose at least one condition this article is about.");
        }
        else if (conditions.Any(c => !conditionSlugs.Contains(c)))
        {
            errors.Add("Form.Conditions", "Choose only conditions from the list.");
        }

        return new ArticleFile(
            id, title, authors, EtAl, source, year, month, volume, issue, pages, conditions,
            existing?.AsListed ?? (title is null ? null : [title]), existing?.Order, doi, pubMedId, url);
    }
}
