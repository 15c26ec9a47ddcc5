using System.Text;
using Clinic.Evaluation;
using Clinic.Modules.Intake.CrisisLanguage;

namespace Clinic.UnitTests;

/// <summary>
/// The crisis matcher's first pass (rules joined into a few alternations) only saves work: it must never
/// hide a rule's match, and every message must get exactly the rules it got from each rule's own regex.
/// </summary>
public sealed class CrisisFirstPassTests
{
    private static readonly string[] ExtraMessages =
    [
        "I nearly killed myself laughing at your video, but most nights I want to kill myself.",
        "Does ketamine help with suicidal thoughts? I've had them for months.",
        "The clinic is 50 kms away and honestly i want to kms",
        "Please call after 5pm, I work days.",
        string.Concat(Enumerable.Repeat("self self self harm- ", 200)),
    ];

    private static IEnumerable<string> Messages() =>
        CrisisEvaluation.Read(CrisisEvaluation.DefaultPath).Select(e => e.Message).Concat(ExtraMessages);

    [Fact]
    public void The_first_pass_names_every_rule_whose_own_regex_matches_an_evaluation_message()
    {
        var rules = CrisisLanguageRules.LoadEmbedded();
        var hidden = new List<string>();
        foreach (var message in Messages())
        {
            var normalised = CrisisLanguageRules.Normalise(message);
            var candidates = rules.FirstPassCandidates(normalised);
            hidden.AddRange(rules.RuleIds.Where(id => rules.RuleMatches(id, normalised) && !candidates.Contains(id)).Select(id => $"{id}: {message}"));
        }

        Assert.Empty(hidden);
    }

    [Fact]
    public void Every_evaluation_message_gets_the_same_rules_with_and_without_the_first_pass()
    {
        // As the host runs it (an alternation is dropped once it has matched), with every alternation kept, and without any.
        var asRun = CrisisLanguageRules.LoadEmbedded();
        var kept = CrisisLanguageRules.LoadEmbedded();
        var without = CrisisLanguageRules.LoadEmbedded();
        var differences = Messages()
            .Select(m => (Message: m, AsRun: Rules(asRun.Match(m)), Kept: Rules(kept.MatchKeepingFirstPass(m)), Without: Rules(without.MatchWithoutFirstPass(m))))
            .Where(r => r.AsRun != r.Without || r.Kept != r.Without)
            .Select(r => $"[{r.AsRun}] as run, [{r.Kept}] with every alternation kept, instead of [{r.Without}]: {r.Message}")
            .ToList();

        Assert.Empty(differences);
        Assert.Contains(Messages(), m => asRun.Match(m) is not null);
    }

    [Fact]
    public void An_ordinary_message_builds_no_rule_regex_and_a_crisis_message_only_those_it_needs()
    {
        var rules = CrisisLanguageRules.LoadEmbedded();

        Assert.Null(rules.Match("Hello, I was referred by my GP for PTSD and would like to know whether ketamine could help. Evenings are best."));
        Assert.Equal(0, rules.BuiltPatternCount);

        Assert.NotNull(rules.Match("Some days I want to die."));
        Assert.InRange(rules.BuiltPatternCount, 1, rules.Count + rules.GuardCount - 1);
        Assert.True(rules.UsesNonBacktrackingEngine);
    }

    [Theory]
    [InlineData("x(?!y)", "crisis-rules.json: rules[2].pattern uses a construct the non-backtracking engine does not support")]
    [InlineData("a)|(b", "crisis-rules.json: rules[2].pattern is not a valid regular expression")]
    public void A_broken_pattern_among_valid_ones_is_named_by_its_own_index(string pattern, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ParseAmongValidOnes(pattern));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A back-reference (or a conditional on a group) is valid .NET syntax, but the non-backtracking engine runs neither;
    /// a numbered one also names no group once joined into an alternation that captures only named groups, and from
    /// group 10 on, .NET then reads it as an octal escape rather than refusing it.
    /// </summary>
    [Theory]
    [InlineData(@"\b(\w+) \1\b", "backreference")]
    [InlineData(@"\b(a)(b)(c)(d)(e)(f)(g)(h)(i)(j) \10\b", "backreference")]
    [InlineData(@"\b\\\12 (a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)\b", "backreference")]
    [InlineData(@"\b(\w+) \k<1>\b", "backreference")]
    [InlineData(@"\b(?<word>\w+) \k<word>\b", "backreference")]
    [InlineData(@"\b(?<word>\w+) \k'word'\b", "backreference")]
    [InlineData(@"\b(cut)?(?(1)ting|ing)\b", "conditional")]
    [InlineData(@"\b(?<cut>cut)?(?(cut)ting|ing)\b", "conditional")]
    public void A_pattern_referring_back_to_a_group_is_named_by_its_own_index_with_the_construct_the_engine_cannot_run(string pattern, string construct)
    {
        var error = Assert.Throws<InvalidDataException>(() => ParseAmongValidOnes(pattern));
        Assert.StartsWith("crisis-rules.json: rules[2].pattern uses a construct the non-backtracking engine does not support", error.Message, StringComparison.Ordinal);
        Assert.Contains(construct, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_octal_escape_in_a_rule_with_ten_groups_loads_and_matches_as_it_does_alone()
    {
        // \101 is 'A': group 101 does not exist, so .NET reads it as an octal escape alone and in the first pass alike.
        var rules = ParseAmongValidOnes(@"\b(a)(b)(c)(d)(e)(f)(g)(h)(i)(j) \101\b");

        Assert.Equal("r2", Rules(rules.Match("abcdefghij a")));
        Assert.Equal("r2", Rules(rules.MatchWithoutFirstPass("abcdefghij a")));
        Assert.Null(rules.Match("abcdefghij 101"));
    }

    [Fact]
    public void A_rule_with_inline_options_and_a_comment_loads_and_its_options_stay_its_own()
    {
        // (?x) ignores the pattern's whitespace and makes '#' start a comment running to the end of the line; the
        // rule after it has literal spaces, so it matches only if the first rule's options stay out of it.
        var json = """
            {"version":"1","rules":[
              {"id":"spaced","category":"active-ideation","description":"d","pattern":"(?x) \\b want \\s to \\s die \\b  # the wish itself"},
              {"id":"literal","category":"self-harm","description":"d","pattern":"\\bi cut my arm\\b"}
            ]}
            """;
        var messages = new[] { "Some days I want to die.", "i cut my arm last night", "icutmyarm", "wanttodie", "# the wish itself", "Evenings are best." };

        var asRun = CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "crisis-rules.json");
        var kept = CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "crisis-rules.json");
        var without = CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "crisis-rules.json");

        Assert.Equal(
            ["spaced", "literal", "none", "none", "none", "none"],
            messages.Select(m => Rules(without.MatchWithoutFirstPass(m))));
        Assert.Equal(messages.Select(m => Rules(without.MatchWithoutFirstPass(m))), messages.Select(m => Rules(asRun.Match(m))));
        Assert.Equal(messages.Select(m => Rules(without.MatchWithoutFirstPass(m))), messages.Select(m => Rules(kept.MatchKeepingFirstPass(m))));
        // The first pass itself: it names every rule that matches, and none where no rule does.
        Assert.All(messages, m =>
        {
            var normalised = CrisisLanguageRules.Normalise(m);
            var matching = without.RuleIds.Where(id => without.RuleMatches(id, normalised)).ToList();
            var candidates = kept.FirstPassCandidates(normalised);
            Assert.Subset(candidates.ToHashSet(), matching.ToHashSet());
            Assert.Equal(matching.Count == 0, candidates.Count == 0);
        });
    }

    /// <summary>A rule file whose third rule has the pattern, among three valid ones.</summary>
    private static CrisisLanguageRules ParseAmongValidOnes(string pattern)
    {
        var entries = new[] { "\\bfirst\\b", "\\bsecond\\b", pattern, "\\bfourth\\b" }
            .Select((p, i) => $$"""{"id":"r{{i}}","category":"self-harm","description":"d","pattern":{{System.Text.Json.JsonSerializer.Serialize(p)}}}""");
        var json = $$"""{"version":"1","rules":[{{string.Join(',', entries)}}]}""";
        return CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "crisis-rules.json");
    }

    private static string Rules(CrisisMatch? match) => match is null ? "none" : string.Join(",", match.MatchedRules);
}
