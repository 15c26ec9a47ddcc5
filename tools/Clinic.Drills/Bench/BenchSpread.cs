using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Bench;

/// <summary>
/// The spread of issue 16's targets over several bench runs (each run's bench.json): per target, each run's value,
/// min / median / max, and met / not met in the median run, as Markdown to paste into docs/benchmarks.md unedited.
/// A target's value is the leading quantity of its result ("158/s (4 % of …)" is 158/s; the CPU line's total after
/// "="); whether it is met is the bench's own verdict for that run, which also weighs the conditions the value omits.
/// </summary>
internal static partial class BenchSpread
{
    internal sealed record Run(string Label, string Machine, IReadOnlyList<Target> Targets);

    internal sealed record Target(string Measure, string Result, string Goal, bool? Met);

    internal sealed record Quantity(double Value, string Unit)
    {
        public override string ToString()
        {
            var number = Value.ToString(Math.Abs(Value) >= 100 ? "#,0" : Math.Abs(Value) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
            return Unit is "ms" or "MB" ? $"{number} {Unit}" : number + Unit;
        }
    }

    public static Run Read(string label, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var at = root.TryGetProperty("at", out var atElement) && atElement.TryGetDateTimeOffset(out var when)
            ? when.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : label;
        var machine = root.TryGetProperty("machine", out var m) && m.ValueKind == JsonValueKind.Object
            ? string.Create(CultureInfo.InvariantCulture, $"{Text(m, "cores")} cores ({Text(m, "cpu")}), {Text(m, "memoryGiB")} GiB, Linux {Text(m, "kernel")}; {Text(m, "postgres")}; RabbitMQ {Text(m, "rabbitMq")}; .NET {Text(m, "dotNet")}")
            : "";
        var targets = root.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(row => new Target(
                Text(row, "measure"),
                Text(row, "result"),
                Text(row, "target"),
                row.TryGetProperty("met", out var met) && met.ValueKind is JsonValueKind.True or JsonValueKind.False ? met.GetBoolean() : null)).ToList()
            : [];
        return new Run(at, machine, targets);
    }

    /// <summary>The quantity a result leads with, or null where the run measured nothing ("failed", "not measured").</summary>
    public static Quantity? Lead(string result)
    {
        var equals = result.IndexOf("= ", StringComparison.Ordinal);
        var match = LeadingQuantity().Match(equals >= 0 ? result[(equals + 2)..] : result);
        return match.Success
            ? new Quantity(double.Parse(match.Groups["number"].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture), match.Groups["unit"].Value)
            : null;
    }

    public static string Markdown(IReadOnlyList<Run> runs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| Target (issue 16) | {string.Join(" | ", runs.Select((r, i) => $"Run {i + 1} ({r.Label})"))} | Min | Median | Max | Target | Met (median) | Met in |");
        text.AppendLine(CultureInfo.InvariantCulture, $"|---|{string.Concat(runs.Select(_ => "--:|"))}--:|--:|--:|---|---|--:|");
        var measures = runs.SelectMany(r => r.Targets.Select(t => t.Measure)).Distinct(StringComparer.Ordinal);
        foreach (var measure in measures)
        {
            var perRun = runs.Select(r => r.Targets.FirstOrDefault(t => t.Measure == measure)).ToList();
            var goal = perRun.FirstOrDefault(t => t is not null)?.Goal ?? "";
            var measured = perRun
                .Select(t => t is null ? null : Lead(t.Result) is { } q ? (Quantity: q, t.Met) : ((Quantity Quantity, bool? Met)?)null)
                .ToList();
            var cells = measured.Select(m => m is { } v ? v.Quantity.ToString() : "—");
            var valued = measured.OfType<(Quantity Quantity, bool? Met)>().OrderBy(v => v.Quantity.Value).ToList();
            var units = valued.Select(v => v.Quantity.Unit).Distinct(StringComparer.Ordinal).Count();
            string min = "—", median = "—", max = "—", met = "—";
            if (valued.Count > 0 && units == 1)
            {
                var unit = valued[0].Quantity.Unit;
                min = valued[0].Quantity.ToString();
                max = valued[^1].Quantity.ToString();
                var (lower, upper) = (valued[(valued.Count - 1) / 2], valued[valued.Count / 2]);
                median = new Quantity((lower.Quantity.Value + upper.Quantity.Value) / 2, unit).ToString();
                // An even count's median lies between two runs: a verdict only where both agree.
                met = lower.Met == upper.Met ? Verdict(lower.Met) : "split";
            }

            var verdicts = perRun.Where(t => t?.Met is not null).ToList();
            var metIn = verdicts.Count == 0 ? "—" : $"{verdicts.Count(t => t!.Met == true)} of {verdicts.Count}";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {measure} | {string.Join(" | ", cells)} | {min} | {median} | {max} | {goal} | {met} | {metIn} |");
        }

        text.AppendLine();
        var machines = runs.Select(r => r.Machine).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        text.AppendLine(machines.Count switch
        {
            0 => "Machine: not recorded in these runs.",
            1 => $"Machine (all {runs.Count} runs): {machines[0]}.",
            _ => "Machines differ between runs: " + string.Join(" / ", runs.Select((r, i) => $"run {i + 1}: {r.Machine}")) + ".",
        });
        text.AppendLine("Each value is the leading figure of the bench's result for that target (the CPU line's total); "
            + "\"Met (median)\" is the bench's verdict in the median run, which also weighs the target's other conditions.");
        return text.ToString();
    }

    private static string Verdict(bool? met) => met switch { true => "met", false => "**not met**", null => "—" };

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText() : "";

    [GeneratedRegex(@"(?<number>\d[\d,]*(?:\.\d+)?)\s?(?<unit>ms|MB|/s|%|×)")]
    private static partial Regex LeadingQuantity();
}
