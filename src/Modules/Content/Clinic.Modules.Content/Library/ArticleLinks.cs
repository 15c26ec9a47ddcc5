using System.Text.RegularExpressions;

namespace Clinic.Modules.Content.Library;

/// <summary>
/// The article identifiers editors may give, checked before they become links on visitors' pages: a DOI, a PubMed id
/// and the article's own address. Each pattern refuses anything that could leave an attribute or name another scheme.
/// </summary>
internal static partial class ArticleLinks
{
    public const int MaxDoiLength = 200;
    public const int MaxUrlLength = 2000;

    private static readonly string[] DoiPrefixes = ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"];

    /// <summary>
    /// A DOI as Crossref recommends matching modern ones (<c>^10.\d{4,9}/[-._;()/:A-Z0-9]+$</c>, case-insensitive),
    /// given bare or with a doi.org resolver or "doi:" in front; <paramref name="doi"/> is the bare form.
    /// </summary>
    public static bool TryNormalizeDoi(string? value, out string doi)
    {
        doi = "";
        var text = value?.Trim() ?? "";
        foreach (var prefix in DoiPrefixes)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..];
                break;
            }
        }

        if (text.Length > MaxDoiLength || !Doi().IsMatch(text))
        {
            return false;
        }

        doi = text;
        return true;
    }

    /// <summary>PubMed's PMID: 1 to 8 digits.</summary>
    public static bool IsPubMedId(string? value) => value is not null && PubMedId().IsMatch(value);

    /// <summary>An absolute http or https address with a host: never javascript:, data: or a relative path.</summary>
    public static bool IsWebAddress(string? value) =>
        value is { Length: > 0 and <= MaxUrlLength }
        // Characters a browser would have to escape (RFC 3986 never allows them) are refused rather than escaped.
        && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'' or '<' or '>' or '`' or '\\' or '{' or '}' or '|' or '^')
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host)
        && string.IsNullOrEmpty(uri.UserInfo);

    public static string DoiAddress(string doi) => "https://doi.org/" + doi;

    public static string PubMedAddress(string id) => $"https://pubmed.ncbi.nlm.nih.gov/{id}/";

    [GeneratedRegex(@"^10\.\d{4,9}/[-._;()/:A-Z0-9]+\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Doi();

    [GeneratedRegex("^[0-9]{1,8}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PubMedId();
}
