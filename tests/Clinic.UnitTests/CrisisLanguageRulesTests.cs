using System.Text;
using System.Text.Json;
using Clinic.Modules.Intake.CrisisLanguage;

namespace Clinic.UnitTests;

public sealed class CrisisLanguageRulesTests
{
    private static readonly CrisisLanguageRules Rules = CrisisLanguageRules.LoadEmbedded();

    [Theory]
    [InlineData("Some days I want to die.", "want-to-die")]
    [InlineData("I've been thinking about KILLING   MYSELF", "kill-myself")]
    [InlineData("i dont want to live anymore", "no-reason-to-live")]
    [InlineData("There's no reason to live", "no-reason-to-live")]
    [InlineData("I keep hurting myself", "self-harm")]
    [InlineData("history of self-harm", "self-harm")]
    [InlineData("I have a plan to end my life", "end-my-life")]
    [InlineData("I feel suicidal at night", "suicide-word")]
    [InlineData("I wish I were dead", "wish-dead")]
    [InlineData("I thought about taking my own life", "end-my-life")]
    [InlineData("I won\u2019t be around much longer", "not-around-much-longer")]
    public void Crisis_phrases_are_caught(string message, string rule)
    {
        var match = Rules.Match(message);
        Assert.NotNull(match);
        Assert.Contains(rule, match.MatchedRules);
        Assert.Equal(Rules.Version, match.RuleSetVersion);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Please call after 5pm, I work days.")]
    [InlineData("My PTSD makes sleep hard and I'd like to try ketamine.")]
    [InlineData("I'm dying to know whether insurance covers this.")]
    public void Ordinary_messages_are_not_marked_urgent(string? message)
    {
        Assert.Null(Rules.Match(message));
    }

    [Fact]
    public void Rules_run_on_the_non_backtracking_engine_so_visitor_text_cannot_stall_a_request()
    {
        Assert.True(Rules.UsesNonBacktrackingEngine);
        var hostile = string.Concat(Enumerable.Repeat("self self self harm- ", 5000)) + new string('a', 50_000);
        Assert.NotNull(Rules.Match(hostile));
    }

    [Theory]
    [InlineData("I nearly killed myself laughing at your video.")]
    [InlineData("Does ketamine help with suicidal thoughts?")]
    [InlineData("The clinic is 50 kms from my house.")]
    public void A_guard_excuses_the_look_alike_phrase_it_names(string message)
    {
        Assert.Null(Rules.Match(message));
    }

    [Theory]
    [InlineData("I nearly killed myself laughing at your video, but most nights I want to kill myself.", "kill-myself")]
    [InlineData("Does ketamine help with suicidal thoughts? I've had them for months.", "own-suicidal-thoughts")]
    [InlineData("Can ketamine help with my suicidal thoughts?", "suicide-word")]
    [InlineData("The clinic is 50 kms away and honestly i want to kms", "kill-myself")]
    public void A_guard_never_excuses_a_crisis_phrase_outside_the_look_alike(string message, string rule)
    {
        var match = Rules.Match(message);
        Assert.NotNull(match);
        Assert.Contains(rule, match.MatchedRules);
    }

    [Theory]
    [InlineData("Ya no quiero vivir, estoy cansada de vivir.")]
    [InlineData("Intent\u00e9 suicidarme")]
    [InlineData("Intente suicidarme")]
    [InlineData("i dont want to be here anymore")]
    [InlineData("I DON\u2019T want to be here anymore")]
    public void Accents_apostrophes_and_case_do_not_change_the_outcome(string message)
    {
        Assert.NotNull(Rules.Match(message));
    }

    [Fact]
    public void The_shipped_rule_file_stays_a_draft_until_a_clinician_reviews_it()
    {
        using var stream = typeof(CrisisLanguageRules).Assembly.GetManifestResourceStream("Clinic.Intake.crisis-rules.json")!;
        using var file = JsonDocument.Parse(stream);
        if (file.RootElement.GetProperty("reviewedBy").ValueKind == JsonValueKind.Null)
        {
            Assert.StartsWith("DRAFT", file.RootElement.GetProperty("status").GetString(), StringComparison.Ordinal);
        }

        Assert.All(file.RootElement.GetProperty("rules").EnumerateArray(), rule =>
            Assert.Contains(rule.GetProperty("category").GetString()!, CrisisLanguageRules.RuleCategories));
    }

    [Theory]
    [InlineData("""{"rules":[{"id":"a","pattern":"x"}]}""", "crisis-rules.json: 'version' is required")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":""}]}""", "crisis-rules.json: rules[0].pattern is required")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"(unclosed"}]}""", "crisis-rules.json: rules[0].pattern is not a valid regular expression")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"x(?!y)"}]}""", "crisis-rules.json: rules[0].pattern uses a construct the non-backtracking engine does not support")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"x","description":"d"}]}""", "crisis-rules.json: rules[0].category must be one of: wish-to-be-dead")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"x","category":"sadness","description":"d"}]}""", "crisis-rules.json: rules[0].category must be one of")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"x","category":"self-harm"}]}""", "crisis-rules.json: rules[0].description is required")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"x","category":"self-harm","description":"d"}],"guards":[{"id":"g","pattern":"y","category":"self-harm","description":"d"}]}""", "crisis-rules.json: guards[0].category must be one of: idiom, research, look-alike")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"x","category":"self-harm","description":"d"}],"guards":[{"id":"a","pattern":"y","category":"idiom","description":"d"}]}""", "crisis-rules.json: id 'a' is used twice")]
    public void A_broken_rule_file_names_the_field(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "crisis-rules.json"));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
