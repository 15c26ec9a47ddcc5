using System.Globalization;
using System.Text;

namespace Clinic.Drills.Bench;

/// <summary>One line of the table: what was measured, the anchor it is compared with, and the target.</summary>
internal sealed record BenchRow(string Measure, string Result, string Anchor, string Ratio, string Target, bool? Met, string Note = "");

internal sealed record BenchMachine(int Cores, string Cpu, string MemoryGiB, string Kernel, string Postgres, string RabbitMq, string DotNet);

internal sealed record BenchReport(DateTimeOffset At, BenchMachine Machine, IReadOnlyList<BenchRow> Rows, IReadOnlyDictionary<string, object> Details)
{
    public string Markdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| Measure | Clinic | Anchor (same run) | Ratio | Target | Met |");
        text.AppendLine("|---|--:|--:|--:|---|---|");
        foreach (var row in Rows)
        {
            var met = row.Met switch { true => "yes", false => "**no**", null => "—" };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Measure} | {row.Result} | {row.Anchor} | {row.Ratio} | {row.Target} | {met} |");
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
}

internal static class Format
{
    public static string Rate(double perSecond) => perSecond.ToString("#,0", CultureInfo.InvariantCulture) + "/s";

    public static string Ms(double milliseconds) => milliseconds switch
    {
        double.NaN => "n/a",
        < 10 => milliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        _ => milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
    };

    public static string Ratio(double part, double whole) => whole > 0 ? (part / whole).ToString("P0", CultureInfo.InvariantCulture) : "n/a";

    public static string Number(double value, string format = "#,0") => value.ToString(format, CultureInfo.InvariantCulture);
}
