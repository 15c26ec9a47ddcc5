using System.Text;
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
    [InlineData("I won\u2019t be around much longer", "plan-or-goodbye")]
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
    [InlineData("""{"rules":[{"id":"a","pattern":"x"}]}""", "crisis-rules.json: 'version' is required")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":""}]}""", "crisis-rules.json: rules[0].pattern is required")]
    [InlineData("""{"version":"1","rules":[{"id":"a","pattern":"(unclosed"}]}""", "crisis-rules.json: rules[0].pattern is not a valid regular expression")]
    public void A_broken_rule_file_names_the_field(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "crisis-rules.json"));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
