using System.Text.Json;
using System.Text.RegularExpressions;

namespace Clinic.Modules.Intake.CrisisLanguage;

internal sealed record CrisisMatch(string RuleSetVersion, IReadOnlyList<string> MatchedRules);

/// <summary>
/// The versioned crisis-language rule list (CrisisLanguage/crisis-rules.json), which a clinician can
/// read and review. Matching uses the non-backtracking engine, so hostile text cannot make it slow.
/// </summary>
internal sealed class CrisisLanguageRules
{
    private const string ResourceName = "Clinic.Intake.crisis-rules.json";
    private readonly IReadOnlyList<(string Id, Regex Pattern)> _rules;

    private CrisisLanguageRules(string version, IReadOnlyList<(string Id, Regex Pattern)> rules)
    {
        Version = version;
        _rules = rules;
    }

    public string Version { get; }

    public int Count => _rules.Count;

    public bool UsesNonBacktrackingEngine => _rules.All(r => r.Pattern.Options.HasFlag(RegexOptions.NonBacktracking));

    /// <summary>The rules the text matches, or null when it matches none.</summary>
    public CrisisMatch? Match(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalised = Normalise(text);
        var matched = _rules.Where(r => r.Pattern.IsMatch(normalised)).Select(r => r.Id).ToList();
        return matched.Count == 0 ? null : new CrisisMatch(Version, matched);
    }

    private static string Normalise(string text) =>
        Regex.Replace(text.Replace('\u2019', '\'').Replace('\u2018', '\''), @"\s+", " ", RegexOptions.None, TimeSpan.FromSeconds(1));

    public static CrisisLanguageRules LoadEmbedded()
    {
        using var stream = typeof(CrisisLanguageRules).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"'{ResourceName}' is not embedded in the Intake module.");
        return Parse(stream, "crisis-rules.json");
    }

    public static CrisisLanguageRules Parse(Stream json, string fileName)
    {
        RuleFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RuleFile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{fileName}: not valid JSON ({e.Message}).", e);
        }

        if (string.IsNullOrWhiteSpace(file?.Version))
        {
            throw new InvalidDataException($"{fileName}: 'version' is required: it is recorded on every urgent request.");
        }

        if (file.Rules is not { Count: > 0 })
        {
            throw new InvalidDataException($"{fileName}: 'rules' must list at least one rule.");
        }

        var rules = new List<(string, Regex)>();
        for (var i = 0; i < file.Rules.Count; i++)
        {
            var rule = file.Rules[i];
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                throw new InvalidDataException($"{fileName}: rules[{i}].id is required.");
            }

            if (string.IsNullOrWhiteSpace(rule.Pattern))
            {
                throw new InvalidDataException($"{fileName}: rules[{i}].pattern is required (an empty pattern would match everything).");
            }

            try
            {
                rules.Add((rule.Id, new Regex(rule.Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{fileName}: rules[{i}].pattern is not a valid regular expression ({e.Message}).", e);
            }
        }

        return new CrisisLanguageRules(file.Version, rules);
    }

    private sealed record RuleFile(string? Version, List<RuleEntry>? Rules);

    private sealed record RuleEntry(string? Id, string? Pattern, string? Description);
}
