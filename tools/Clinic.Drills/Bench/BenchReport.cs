using System.Globalization;
using System.Text;

namespace Clinic.Drills.Bench;

/// <summary>One line of the table: what was measured, the anchor it is compared with, and the target.</summary>
internal sealed record BenchRow(string Measure, string Result, string Anchor, string Ratio, string Target, bool? Met, string Note = "");

internal sealed record BenchMachine(int Cores, string Cpu, string MemoryGiB, string Kernel, string Postgres, string RabbitMq, string DotNet);

internal sealed record BenchReport(DateTimeOffset At, BenchMachine Machine, IReadOnlyList<BenchRow> Rows, IReadOnlyDictionary<string, object> Details)
{
    /// <summary>The targets, one line each in its order, with this run's value and whether it is met.</summary>
    public IReadOnlyList<BenchRow> Targets { get; init; } = [];

    public string Markdown()
    {
        var text = new StringBuilder();
        if (Targets.Count > 0)
        {
            text.AppendLine("| Target (issue 16) | Clinic | Target | Met |");
            text.AppendLine("|---|--:|---|---|");
            foreach (var row in Targets)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Measure} | {row.Result} | {row.Target} | {Met(row.Met)} |");
            }

            text.AppendLine();
        }

        text.AppendLine("| Measure | Clinic | Anchor (same run) | Ratio | Target | Met |");
        text.AppendLine("|---|--:|--:|--:|---|---|");
        foreach (var row in Rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Measure} | {row.Result} | {row.Anchor} | {row.Ratio} | {row.Target} | {Met(row.Met)} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Machine: {Machine.Cores} cores ({Machine.Cpu}), {Machine.MemoryGiB} GiB, Linux {Machine.Kernel}; {Machine.Postgres}; RabbitMQ {Machine.RabbitMq}; .NET {Machine.DotNet}. Run at {At:yyyy-MM-dd HH:mm} UTC.");
        foreach (var row in Rows.Where(r => r.Note.Length > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {row.Measure}: {row.Note}");
        }

        return text.ToString();
    }

    private static string Met(bool? met) => met switch { true => "met", false => "**not met**", null => "—" };
}

internal static class Format
{
    /// <summary>Whole numbers, except below 10/s (an overloaded peer's 0.4/s is not 0/s).</summary>
    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.0" : "#,0", CultureInfo.InvariantCulture) + "/s";

    public static string Ms(double milliseconds) => milliseconds switch
    {
        double.NaN => "n/a",
        < 10 => milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        _ => milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
    };

    public static string Ratio(double part, double whole) => whole > 0 ? (part / whole).ToString("P0", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>How many times the other's rate, e.g. "1.52×".</summary>
    public static string Times(double part, double whole) => whole > 0 ? (part / whole).ToString(part >= 10 * whole ? "#,0" : "0.00", CultureInfo.InvariantCulture) + "×" : "n/a";

    public static string Kilobytes(long bytes) => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB";

    public static string Number(double value, string format = "#,0") => value.ToString(format, CultureInfo.InvariantCulture);
}
