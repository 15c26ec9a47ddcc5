using System.Text;

namespace Clinic.Modules.Content.Library;

/// <summary>Formats an article as a reference line, with only the parts the original page gives.</summary>
internal static class CitationFormat
{
    public static string Authors(Article article)
    {
        if (article.Authors.Count == 0)
        {
            return "";
        }

        var names = string.Join(", ", article.Authors);
        return article.EtAl ? $"{names}, et al." : names;
    }

    /// <summary>For example "Pain Med. 2004 Sep;5(3):263-75" or "Medical Daily".</summary>
    public static string Publication(Article article)
    {
        var text = new StringBuilder(article.Source?.TrimEnd('.') ?? "");
        var date = string.Join(' ', new[] { article.Year?.ToString(System.Globalization.CultureInfo.InvariantCulture), article.Month }.Where(p => p is not null));
        if (date.Length > 0)
        {
            text.Append(text.Length > 0 ? ". " : "").Append(date);
        }

        if (article.Volume is not null)
        {
            text.Append(';').Append(article.Volume);
            if (article.Issue is not null)
            {
                text.Append('(').Append(article.Issue).Append(')');
            }
        }

        if (article.Pages is not null)
        {
            text.Append(':').Append(article.Pages);
        }

        return text.ToString();
    }
}
