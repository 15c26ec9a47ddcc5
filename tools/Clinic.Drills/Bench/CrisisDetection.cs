using System.Globalization;
using Clinic.Evaluation;
using Clinic.Modules.Intake.CrisisLanguage;

namespace Clinic.Drills.Bench;

/// <summary>
/// The crisis check measured on the clinician-readable evaluation set. The drills drive the host from
/// outside and reference no module, so the rule loader, the rule file and the evaluator are compiled in
/// from the same sources the unit test uses (see Clinic.Drills.csproj): same rules, same set, same sums.
/// </summary>
internal static class CrisisDetection
{
    public static BenchRow Measure(IDictionary<string, object> details)
    {
        var rules = CrisisLanguageRules.LoadEmbedded();
        var result = CrisisEvaluation.Run(CrisisEvaluation.Read(CrisisEvaluation.DefaultPath), message => rules.Match(message) is not null);
        details["crisis"] = new
        {
            ruleSet = rules.Version,
            messages = result.Examples.Count,
            crisis = result.CrisisCount,
            notCrisis = result.NotCrisisCount,
            recall = result.Recall,
            falseAlarmRate = result.FalseAlarmRate,
            misses = result.Misses.Select(m => m.Line),
            falseAlarms = result.FalseAlarms.Select(m => m.Line),
        };
        return new BenchRow(
            $"Crisis detection (evaluation set, {result.Examples.Count} messages)",
            string.Create(CultureInfo.InvariantCulture, $"recall {result.Recall * 100:0.0} %, false alarms {result.FalseAlarmRate * 100:0.0} %"),
            "", "",
            "recall ≥ 98 %, false alarms ≤ 10 %",
            result.MeetsTargets,
            string.Create(CultureInfo.InvariantCulture,
                $"rule set {rules.Version}: {result.CrisisCount - result.Misses.Count} of {result.CrisisCount} crisis messages caught, {result.FalseAlarms.Count} of {result.NotCrisisCount} others marked urgent; misses and false alarms by line: dotnet test tests/Clinic.UnitTests --filter CrisisEvaluation --logger \"console;verbosity=detailed\""));
    }
}
