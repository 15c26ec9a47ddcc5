using System.Globalization;
using System.Text;

namespace Clinic.Drills.Bench;

/// <summary>One measured round of one build: wrk's requests/s and the host's CPU microseconds per request, both rounded down.</summary>
internal sealed record ContentRound(long RequestsPerSecond, long CpuMicrosecondsPerRequest);

/// <summary>
/// The condition page of two builds side by side, printed as tools/bench/content-before-after.sh printed it (its figures
/// stay in docs/benchmarks.md): every round, the medians, and after / before in per cent.
/// </summary>
internal static class ContentComparison
{
    public static string Table(string baseline, IReadOnlyList<ContentRound> before, IReadOnlyList<ContentRound> after)
    {
        var text = new StringBuilder();
        text.AppendLine("| Round | before req/s | after req/s | before host CPU µs/request | after host CPU µs/request |");
        text.AppendLine("|--:|--:|--:|--:|--:|");
        for (var i = 0; i < Math.Min(before.Count, after.Count); i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {i + 1} | {before[i].RequestsPerSecond} | {after[i].RequestsPerSecond} | {before[i].CpuMicrosecondsPerRequest} | {after[i].CpuMicrosecondsPerRequest} |");
        }

        var beforeRate = Median(before.Select(r => r.RequestsPerSecond));
        var afterRate = Median(after.Select(r => r.RequestsPerSecond));
        var beforeCpu = Median(before.Select(r => r.CpuMicrosecondsPerRequest));
        var afterCpu = Median(after.Select(r => r.CpuMicrosecondsPerRequest));
        text.AppendLine(CultureInfo.InvariantCulture, $"| median | {beforeRate} | {afterRate} | {beforeCpu} | {afterCpu} |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"after / before ({baseline}): {100 * afterRate / beforeRate:0} % of the requests/s, {100 * afterCpu / beforeCpu:0} % of the CPU per request");
        return text.ToString();
    }

    /// <summary>The middle value, or the mean of the two middle ones.</summary>
    public static double Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
    }
}
