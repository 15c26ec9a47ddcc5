using System.Globalization;
using System.Text;

namespace Clinic.Evaluation;

/// <summary>One labelled visitor message from crisis-evaluation.tsv.</summary>
internal sealed record CrisisExample(int Line, bool IsCrisis, string Category, string Message);

internal sealed record CategoryScore(string Category, bool IsCrisis, int Total, int Flagged);

/// <summary>
/// Recall on the crisis messages and false alarms on the rest. Shared by the unit test and the bench
/// (linked into both) so the figure in the bench table is the one the test asserts.
/// </summary>
internal sealed record CrisisEvaluationResult(
    IReadOnlyList<CrisisExample> Examples,
    IReadOnlyList<CrisisExample> Misses,
    IReadOnlyList<CrisisExample> FalseAlarms)
{
    public const double RecallTarget = 0.98;
    public const double FalseAlarmTarget = 0.10;

    public int CrisisCount => Examples.Count(e => e.IsCrisis);

    public int NotCrisisCount => Examples.Count(e => !e.IsCrisis);

    public double Recall => CrisisCount == 0 ? 0 : (double)(CrisisCount - Misses.Count) / CrisisCount;

    public double FalseAlarmRate => NotCrisisCount == 0 ? 0 : (double)FalseAlarms.Count / NotCrisisCount;

    public bool MeetsTargets => Recall >= RecallTarget && FalseAlarmRate <= FalseAlarmTarget;

    public IEnumerable<CategoryScore> ByCategory() =>
        Examples.GroupBy(e => (e.IsCrisis, e.Category))
            .OrderByDescending(g => g.Key.IsCrisis).ThenBy(g => g.Key.Category, StringComparer.Ordinal)
            .Select(g => new CategoryScore(
                g.Key.Category,
                g.Key.IsCrisis,
                g.Count(),
                g.Count(e => e.IsCrisis ? !Misses.Contains(e) : FalseAlarms.Contains(e))));

    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"recall {Recall:P1} ({CrisisCount - Misses.Count}/{CrisisCount}), false alarms {FalseAlarmRate:P1} ({FalseAlarms.Count}/{NotCrisisCount})");

    /// <summary>The whole result for a reader: totals, each category, then every miss and false alarm with its line.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Crisis evaluation over {Examples.Count} messages: {Summary()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Targets: recall >= {RecallTarget:P0}, false alarms <= {FalseAlarmTarget:P0}: {(MeetsTargets ? "met" : "NOT met")}");
        text.AppendLine();
        foreach (var score in ByCategory())
        {
            var measure = score.IsCrisis ? "recall" : "false alarms";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {(score.IsCrisis ? "crisis" : "not-crisis"),-10} {score.Category,-20} {measure} {(double)score.Flagged / score.Total,7:P1} ({score.Flagged}/{score.Total})");
        }

        Append(text, "Misses (crisis messages the rules let through)", Misses);
        Append(text, "False alarms (not-crisis messages the rules marked urgent)", FalseAlarms);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string title, IReadOnlyList<CrisisExample> examples)
    {
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {examples.Count}");
        foreach (var example in examples)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  line {example.Line} [{example.Category}] {example.Message}");
        }
    }
}

internal static class CrisisEvaluation
{
    public const string FileName = "crisis-evaluation.tsv";

    /// <summary>The evaluation file as copied beside the running assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "CrisisEvaluation", FileName);

    /// <summary>Reads "label TAB category TAB message" lines; # starts a comment. A malformed line names itself.</summary>
    public static IReadOnlyList<CrisisExample> Read(string path)
    {
        var examples = new List<CrisisExample>();
        var number = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 3 || string.IsNullOrWhiteSpace(fields[1]) || string.IsNullOrWhiteSpace(fields[2]))
            {
                throw new InvalidDataException($"{Path.GetFileName(path)} line {number}: expected 'label<TAB>category<TAB>message', found {fields.Length} field(s).");
            }

            var isCrisis = fields[0] switch
            {
                "crisis" => true,
                "not-crisis" => false,
                _ => throw new InvalidDataException($"{Path.GetFileName(path)} line {number}: label must be 'crisis' or 'not-crisis', not '{fields[0]}'."),
            };
            examples.Add(new CrisisExample(number, isCrisis, fields[1].Trim(), fields[2].Trim()));
        }

        return examples;
    }

    public static CrisisEvaluationResult Run(IReadOnlyList<CrisisExample> examples, Func<string, bool> isUrgent)
    {
        var flagged = examples.ToDictionary(e => e, e => isUrgent(e.Message));
        return new CrisisEvaluationResult(
            examples,
            [.. examples.Where(e => e.IsCrisis && !flagged[e])],
            [.. examples.Where(e => !e.IsCrisis && flagged[e])]);
    }
}
