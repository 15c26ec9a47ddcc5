using System.Text;
using System.Text.Json.Nodes;
using Clinic.Evaluation;
using Clinic.Modules.Intake.CrisisLanguage;
using Xunit.Abstractions;

namespace Clinic.UnitTests;

/// <summary>
/// The crisis rules measured against a labelled set a clinician can read and extend
/// (CrisisEvaluation/crisis-evaluation.tsv). A miss leaves someone at risk in the routine queue,
/// so recall has the stricter target; a false alarm costs a member of staff a phone call.
/// </summary>
public sealed class CrisisEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void The_rules_catch_at_least_98_percent_of_crisis_messages_with_at_most_10_percent_false_alarms()
    {
        var rules = CrisisLanguageRules.LoadEmbedded();
        var result = CrisisEvaluation.Run(CrisisEvaluation.Read(CrisisEvaluation.DefaultPath), m => rules.Match(m) is not null);

        output.WriteLine($"Rule set {rules.Version}, {rules.Count} rules.");
        output.WriteLine(result.Report());

        Assert.True(result.Recall >= CrisisEvaluationResult.RecallTarget, $"Recall {result.Recall:P1} is below {CrisisEvaluationResult.RecallTarget:P0}; misses: {string.Join(" | ", result.Misses.Select(m => m.Message))}");
        Assert.True(result.FalseAlarmRate <= CrisisEvaluationResult.FalseAlarmTarget, $"False alarms {result.FalseAlarmRate:P1} are above {CrisisEvaluationResult.FalseAlarmTarget:P0}: {string.Join(" | ", result.FalseAlarms.Select(m => m.Message))}");
    }

    [Fact]
    public void No_guard_turns_a_crisis_message_of_the_set_into_a_routine_one()
    {
        var rules = CrisisLanguageRules.LoadEmbedded();
        var unguarded = WithoutGuards();
        var excused = CrisisEvaluation.Read(CrisisEvaluation.DefaultPath)
            .Where(e => e.IsCrisis && unguarded.Match(e.Message) is not null && rules.Match(e.Message) is null)
            .Select(e => $"line {e.Line}: {e.Message}")
            .ToList();

        Assert.Empty(excused);
    }

    private static CrisisLanguageRules WithoutGuards()
    {
        using var stream = typeof(CrisisLanguageRules).Assembly.GetManifestResourceStream("Clinic.Intake.crisis-rules.json")!;
        var file = JsonNode.Parse(stream)!.AsObject();
        Assert.True(file.Remove("guards"));
        return CrisisLanguageRules.Parse(new MemoryStream(Encoding.UTF8.GetBytes(file.ToJsonString())), "crisis-rules.json");
    }

    [Fact]
    public void The_evaluation_set_is_large_enough_and_covers_every_category_the_issue_names()
    {
        var examples = CrisisEvaluation.Read(CrisisEvaluation.DefaultPath);

        Assert.True(examples.Count >= 200, $"{examples.Count} messages; the set needs at least 200.");
        string[] crisis = ["wish-to-be-dead", "active-ideation", "ideation-method", "ideation-intent", "ideation-plan", "preparatory", "attempt", "self-harm", "third-party", "slang", "misspelling", "indirect", "spanish"];
        string[] notCrisis = ["idiom", "research", "lookalike-word", "health-question", "admin", "depression-no-risk", "spanish-no-risk"];
        Assert.All(crisis, c => Assert.Contains(examples, e => e.IsCrisis && e.Category == c));
        Assert.All(notCrisis, c => Assert.Contains(examples, e => !e.IsCrisis && e.Category == c));
        var duplicates = examples.GroupBy(e => e.Message, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void A_malformed_line_in_the_evaluation_file_names_its_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# comment", "crisis\tslang\tkms", "urgent\tslang\tkms"]);
            var error = Assert.Throws<InvalidDataException>(() => CrisisEvaluation.Read(path));
            Assert.Contains("line 3: label must be 'crisis' or 'not-crisis'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
