using System.Collections.Frozen;

namespace Clinic.Modules.Content.Library;

/// <summary>
/// The site's text pages (terms, privacy notice): each an editable item "page/{name}" whose body is a title and
/// Markdown. The shipped text (Data/{name}.md) is what the seed import publishes as version 1.
/// </summary>
internal static class TextPages
{
    public const string Terms = "terms";
    public const string Privacy = "privacy";

    /// <summary>Each page's name and its title as shipped.</summary>
    public static readonly IReadOnlyDictionary<string, string> ShippedTitles = new Dictionary<string, string>
    {
        [Terms] = "Terms and conditions",
        [Privacy] = "Privacy notice",
    };

    public static readonly IReadOnlyDictionary<string, TextPage> Shipped = ShippedTitles.ToFrozenDictionary(
        p => p.Key, p => new TextPage(p.Value, ReadShipped(p.Key)));

    public static bool IsName(string name) => ShippedTitles.ContainsKey(name);

    private static string ReadShipped(string name)
    {
        using var stream = typeof(TextPages).Assembly.GetManifestResourceStream($"Clinic.Content.{name}.md")
            ?? throw new InvalidDataException($"{name}.md: the data file is missing from the Content module.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
