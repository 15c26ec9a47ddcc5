using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Clinic.Modules.Intake.CrisisLanguage;

internal sealed record CrisisMatch(string RuleSetVersion, IReadOnlyList<string> MatchedRules);

/// <summary>
/// The versioned crisis-language rule list (CrisisLanguage/crisis-rules.json), which a clinician can
/// read and review. Each rule names the screening category it covers; guards name look-alike phrases
/// (idioms, research questions) and excuse only a rule match lying wholly inside them, so a genuine
/// crisis phrase elsewhere in the same message still counts. Matching uses the non-backtracking
/// engine, so hostile text cannot make it slow.
/// </summary>
internal sealed class CrisisLanguageRules
{
    private const string ResourceName = "Clinic.Intake.crisis-rules.json";

    /// <summary>C-SSRS ideation and behaviour categories, self-injury, reports about someone else, and 988/AFSP warning signs.</summary>
    public static readonly IReadOnlySet<string> RuleCategories = new HashSet<string>(StringComparer.Ordinal)
    {
        "wish-to-be-dead", "active-ideation", "ideation-method", "ideation-intent", "ideation-plan",
        "preparatory", "attempt", "self-harm", "third-party", "warning-sign",
    };

    public static readonly IReadOnlySet<string> GuardCategories = new HashSet<string>(StringComparer.Ordinal) { "idiom", "research", "look-alike" };

    private static readonly RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    private readonly IReadOnlyList<Rule> _rules;
    private readonly IReadOnlyList<Rule> _guards;

    private CrisisLanguageRules(string version, IReadOnlyList<Rule> rules, IReadOnlyList<Rule> guards)
    {
        Version = version;
        _rules = rules;
        _guards = guards;
    }

    public string Version { get; }

    public int Count => _rules.Count;

    public int GuardCount => _guards.Count;

    public bool UsesNonBacktrackingEngine => _rules.Concat(_guards).All(r => r.Pattern.Options.HasFlag(RegexOptions.NonBacktracking));

    /// <summary>The rules the text matches, or null when it matches none.</summary>
    public CrisisMatch? Match(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalised = Normalise(text);
        var excused = new List<(int Start, int End)>();
        foreach (var guard in _guards)
        {
            foreach (var m in guard.Pattern.EnumerateMatches(normalised))
            {
                excused.Add((m.Index, m.Index + m.Length));
            }
        }

        var matched = _rules.Where(r => HasUnexcusedMatch(r.Pattern, normalised, excused)).Select(r => r.Id).ToList();
        return matched.Count == 0 ? null : new CrisisMatch(Version, matched);
    }

    private static bool HasUnexcusedMatch(Regex pattern, string text, List<(int Start, int End)> excused)
    {
        foreach (var m in pattern.EnumerateMatches(text))
        {
            var (start, end) = (m.Index, m.Index + m.Length);
            if (!excused.Any(e => e.Start <= start && end <= e.End))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One space for any run of whitespace; apostrophes dropped, so "don't", "don’t" and "dont" read alike;
    /// accents dropped, so Spanish with or without them reads alike ("está", "esta").
    /// </summary>
    internal static string Normalise(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        var inSpace = false;
        foreach (var c in decomposed)
        {
            if (c is '\'' or '\u2019' or '\u2018' or '`' or '\u00B4' or '\u02BC' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                inSpace = true;
                continue;
            }

            if (inSpace && kept.Length > 0)
            {
                kept.Append(' ');
            }

            inSpace = false;
            kept.Append(c);
        }

        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

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

        var rules = Compile(file.Rules, "rules", RuleCategories, fileName);
        var guards = Compile(file.Guards ?? [], "guards", GuardCategories, fileName);
        var duplicate = rules.Concat(guards).GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{fileName}: id '{duplicate.Key}' is used twice; urgent requests record rule ids, so each must be unique.");
        }

        return new CrisisLanguageRules(file.Version, rules, guards);
    }

    private static List<Rule> Compile(List<RuleEntry> entries, string list, IReadOnlySet<string> categories, string fileName)
    {
        var compiled = new List<Rule>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = $"{fileName}: {list}[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Id))
            {
                throw new InvalidDataException($"{where}.id is required.");
            }

            if (string.IsNullOrWhiteSpace(entry.Pattern))
            {
                throw new InvalidDataException($"{where}.pattern is required (an empty pattern would match everything).");
            }

            Regex pattern;
            try
            {
                pattern = new Regex(entry.Pattern, Options);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{where}.pattern is not a valid regular expression ({e.Message}).", e);
            }
            catch (NotSupportedException e)
            {
                throw new InvalidDataException($"{where}.pattern uses a construct the non-backtracking engine does not support ({e.Message}).", e);
            }

            if (string.IsNullOrWhiteSpace(entry.Category) || !categories.Contains(entry.Category))
            {
                throw new InvalidDataException($"{where}.category must be one of: {string.Join(", ", categories)} (found '{entry.Category}').");
            }

            if (string.IsNullOrWhiteSpace(entry.Description))
            {
                throw new InvalidDataException($"{where}.description is required: a clinician reviews each {(list == "rules" ? "rule" : "guard")} by what it says it covers.");
            }

            compiled.Add(new Rule(entry.Id, entry.Category, pattern));
        }

        return compiled;
    }

    private sealed record Rule(string Id, string Category, Regex Pattern);

    private sealed record RuleFile(string? Version, List<RuleEntry>? Rules, List<RuleEntry>? Guards);

    private sealed record RuleEntry(string? Id, string? Category, string? Pattern, string? Description);
}
