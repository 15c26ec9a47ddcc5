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
/// <remarks>
/// Each non-backtracking regex keeps its own character tables and automaton, so one regex per rule made the
/// matcher one of the host's largest holders of memory. Rules (and guards) are therefore also joined into a
/// few alternations, a first pass that answers "none of these can match" for ordinary messages; a rule's own
/// regex is built the first time its alternation matches, and it alone decides, so answers are unchanged.
/// </remarks>
internal sealed partial class CrisisLanguageRules
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

    /// <summary>
    /// Patterns joined into one alternation until their text reaches this length; the engine refuses an
    /// automaton above its size limit, and a refused alternation is split in two.
    /// </summary>
    private const int FirstPassPatternLength = 3000;

    private readonly PatternSet _rules;
    private readonly PatternSet _guards;

    private CrisisLanguageRules(string version, PatternSet rules, PatternSet guards)
    {
        Version = version;
        _rules = rules;
        _guards = guards;
    }

    public string Version { get; }

    public int Count => _rules.Count;

    public int GuardCount => _guards.Count;

    public bool UsesNonBacktrackingEngine => _rules.UsesNonBacktrackingEngine && _guards.UsesNonBacktrackingEngine;

    /// <summary>The rules the text matches, or null when it matches none.</summary>
    public CrisisMatch? Match(string? text) => Match(text, Pass.FirstPass);

    /// <summary>
    /// The same answer as <see cref="Match(string?)"/>, found by running every rule's and guard's own regex;
    /// kept so a test can show that the first pass never hides a rule's match.
    /// </summary>
    internal CrisisMatch? MatchWithoutFirstPass(string? text) => Match(text, Pass.Every);

    /// <summary>As <see cref="Match(string?)"/>, but never dropping an alternation, so tests exercise every one on every message.</summary>
    internal CrisisMatch? MatchKeepingFirstPass(string? text) => Match(text, Pass.FirstPassKept);

    /// <summary>The ids of the rules whose first-pass alternation matches the normalised text.</summary>
    internal IReadOnlyList<string> FirstPassCandidates(string normalisedText) =>
        [.. _rules.Candidates(normalisedText, Pass.FirstPassKept).Select(i => _rules[i].Id)];

    internal IEnumerable<string> RuleIds => _rules.Ids;

    /// <summary>How many rules' and guards' own regexes have been built so far.</summary>
    internal int BuiltPatternCount => _rules.BuiltCount + _guards.BuiltCount;

    /// <summary>Whether the rule's own regex matches the normalised text anywhere, guards aside.</summary>
    internal bool RuleMatches(string id, string normalisedText) =>
        Enumerable.Range(0, _rules.Count).Where(i => _rules[i].Id == id).Any(i => _rules.Pattern(i).IsMatch(normalisedText));

    private CrisisMatch? Match(string? text, Pass pass)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalised = Normalise(text);
        var candidates = _rules.Candidates(normalised, pass);
        if (candidates.Count == 0)
        {
            return null;
        }

        var excused = new List<(int Start, int End)>();
        foreach (var guard in _guards.Candidates(normalised, pass))
        {
            foreach (var m in _guards.Pattern(guard).EnumerateMatches(normalised))
            {
                excused.Add((m.Index, m.Index + m.Length));
            }
        }

        var matched = candidates.Where(r => HasUnexcusedMatch(_rules.Pattern(r), normalised, excused)).Select(r => _rules[r].Id).ToList();
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

        var rules = Validate(file.Rules, "rules", RuleCategories, fileName);
        var guards = Validate(file.Guards ?? [], "guards", GuardCategories, fileName);
        var duplicate = rules.Ids.Concat(guards.Ids).GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{fileName}: id '{duplicate.Key}' is used twice; urgent requests record rule ids, so each must be unique.");
        }

        return new CrisisLanguageRules(file.Version, rules, guards);
    }

    /// <summary>
    /// Checks each entry's fields. A pattern's syntax is checked with the interpreter, which is cheap to build and
    /// parses as the non-backtracking engine does; building the first pass's alternations then shows that the
    /// engine supports every construct, and each pattern's own non-backtracking regex waits until it is needed.
    /// </summary>
    private static PatternSet Validate(List<RuleEntry> entries, string list, IReadOnlySet<string> categories, string fileName)
    {
        var validated = new List<Rule>();
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

            Regex parsed;
            try
            {
                parsed = new Regex(entry.Pattern, Options & ~RegexOptions.NonBacktracking);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{where}.pattern is not a valid regular expression ({e.Message}).", e);
            }

            // With a group numbered 10 or more, "\10" is a back-reference here but an octal escape in the first pass, where
            // unnamed groups capture nothing: the alternation would build and the rule's own regex fail on the first
            // message to reach it. A pattern that may hold one is built now, as it will run.
            if (TwoDigitEscape().IsMatch(entry.Pattern) && parsed.GetGroupNumbers().Max() >= 10)
            {
                try
                {
                    _ = new Regex(entry.Pattern, Options);
                }
                catch (NotSupportedException e)
                {
                    throw UnsupportedConstruct(where, e);
                }
            }

            validated.Add(new Rule(entry.Id, entry.Pattern));
        }

        var patterns = new PatternSet(validated, $"{fileName}: {list}");
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = $"{fileName}: {list}[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Category) || !categories.Contains(entry.Category))
            {
                throw new InvalidDataException($"{where}.category must be one of: {string.Join(", ", categories)} (found '{entry.Category}').");
            }

            if (string.IsNullOrWhiteSpace(entry.Description))
            {
                throw new InvalidDataException($"{where}.description is required: a clinician reviews each {(list == "rules" ? "rule" : "guard")} by what it says it covers.");
            }
        }

        return patterns;
    }

    private sealed record Rule(string Id, string Pattern);

    private enum Pass
    {
        /// <summary>Every pattern's own regex, no first pass.</summary>
        Every,

        /// <summary>The first pass; an alternation that matched is dropped, as its patterns' own regexes are then built.</summary>
        FirstPass,

        /// <summary>The first pass, keeping every alternation (for tests of the first pass itself).</summary>
        FirstPassKept,
    }

    /// <summary>
    /// Rules (or guards) in file order, with their first pass: consecutive patterns joined into alternations.
    /// An alternation matches exactly when one of its patterns does, so a pattern whose alternation does not
    /// match cannot match either; only the others are run, each with its own regex, built once on first use.
    /// </summary>
    private sealed class PatternSet
    {
        private readonly IReadOnlyList<Rule> _entries;
        private readonly Lazy<Regex>[] _patterns;
        private readonly List<Alternation> _firstPass = [];

        public PatternSet(IReadOnlyList<Rule> entries, string where)
        {
            _entries = entries;
            _patterns = [.. entries.Select(e => new Lazy<Regex>(() => new Regex(e.Pattern, Options)))];
            var first = 0;
            var length = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                if (i > first && length + entries[i].Pattern.Length > FirstPassPatternLength)
                {
                    AddFirstPass(first, i - first, where);
                    (first, length) = (i, 0);
                }

                length += entries[i].Pattern.Length;
            }

            if (entries.Count > first)
            {
                AddFirstPass(first, entries.Count - first, where);
            }
        }

        public int Count => _entries.Count;

        public IEnumerable<string> Ids => _entries.Select(e => e.Id);

        public int BuiltCount => _patterns.Count(p => p.IsValueCreated);

        public bool UsesNonBacktrackingEngine =>
            Options.HasFlag(RegexOptions.NonBacktracking)
            && _firstPass.All(p => p.Regex?.Options.HasFlag(RegexOptions.NonBacktracking) ?? true)
            && _patterns.Where(p => p.IsValueCreated).All(p => p.Value.Options.HasFlag(RegexOptions.NonBacktracking));

        public Rule this[int index] => _entries[index];

        public Regex Pattern(int index) => _patterns[index].Value;

        /// <summary>Indexes, in file order, of the patterns that may match: all of them without the first pass.</summary>
        public IReadOnlyList<int> Candidates(string text, Pass pass)
        {
            if (pass == Pass.Every)
            {
                return [.. Enumerable.Range(0, _entries.Count)];
            }

            List<int>? candidates = null;
            foreach (var alternation in _firstPass)
            {
                var regex = alternation.Regex;
                if (regex is null || regex.IsMatch(text))
                {
                    (candidates ??= []).AddRange(Enumerable.Range(alternation.First, alternation.Count));
                    if (pass == Pass.FirstPass)
                    {
                        // Its patterns' own regexes are about to be built and kept; the alternation would then
                        // only add its memory to theirs, so from now on they run on every message.
                        alternation.Regex = null;
                    }
                }
            }

            return candidates ?? [];
        }

        /// <summary>
        /// A pattern as one alternative, matching exactly what it matches alone. Its group keeps its inline options
        /// (<c>(?i)</c>, <c>(?x)</c>) to itself. The closing <c>(?x)</c> and newline end a <c>#</c> comment the pattern may
        /// end in under <c>(?x)</c>, which would otherwise run on over the group's end and the next pattern; being
        /// whitespace under <c>(?x)</c>, the newline matches nothing either way.
        /// </summary>
        private static string Scoped(string pattern) => $"(?:{pattern}(?x)\n)";

        private void AddFirstPass(int first, int count, string where)
        {
            var joined = string.Join('|', _entries.Skip(first).Take(count).Select(e => Scoped(e.Pattern)));
            try
            {
                _firstPass.Add(new Alternation(new Regex(joined, Options | RegexOptions.ExplicitCapture), first, count));
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException && count > 1)
            {
                // Over the engine's automaton size limit, a pattern it cannot run, or one referring to a group by number
                // (which names no group once unnamed groups capture nothing): halve until each part is built or a single
                // pattern is named.
                AddFirstPass(first, count / 2, where);
                AddFirstPass(first + (count / 2), count - (count / 2), where);
            }
            catch (NotSupportedException e)
            {
                throw Unsupported(first, where, e);
            }
            catch (ArgumentException e)
            {
                // It parsed alone (Validate), so it refers to a group by number: a back-reference or a conditional, which
                // the engine cannot run either. Built alone, as its own regex would be, it says which.
                try
                {
                    _ = new Regex(_entries[first].Pattern, Options);
                }
                catch (NotSupportedException unsupported)
                {
                    throw Unsupported(first, where, unsupported);
                }

                throw new InvalidDataException($"{where}[{first}].pattern cannot be joined into the first pass ({e.Message}).", e);
            }
        }

        private static InvalidDataException Unsupported(int index, string where, NotSupportedException e) => UnsupportedConstruct($"{where}[{index}]", e);
    }

    /// <summary>A backslash, itself unescaped, before two or more digits: where a pattern may refer back to group 10 or above.</summary>
    [GeneratedRegex(@"(?<!\\)(?:\\\\)*\\[1-9][0-9]")]
    private static partial Regex TwoDigitEscape();

    private static InvalidDataException UnsupportedConstruct(string where, NotSupportedException e) =>
        new($"{where}.pattern uses a construct the non-backtracking engine does not support ({e.Message}).", e);

    /// <summary>Patterns First to First + Count - 1 joined; Regex is null once dropped (a plain reference, so dropping it is thread-safe).</summary>
    private sealed class Alternation(Regex regex, int first, int count)
    {
        public Regex? Regex { get; set; } = regex;

        public int First { get; } = first;

        public int Count { get; } = count;
    }

    private sealed record RuleFile(string? Version, List<RuleEntry>? Rules, List<RuleEntry>? Guards);

    private sealed record RuleEntry(string? Id, string? Category, string? Pattern, string? Description);
}
