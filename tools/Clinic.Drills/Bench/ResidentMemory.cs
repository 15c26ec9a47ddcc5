using System.Globalization;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Bench;

/// <summary>
/// One process's resident memory in kB: VmRSS and VmHWM from /proc/&lt;pid&gt;/status, and the resident pages of
/// /proc/&lt;pid&gt;/smaps split by mapping: anonymous (no name, [heap], [anon…]), file-backed (a path), the JIT's W^X
/// double mapping (/memfd:doublemapper) and other ([stack], [vdso], …).
/// </summary>
internal sealed partial record ResidentMemory(long ResidentKb, long PeakKb, long AnonymousKb, long FileKb, long DoubleMapperKb, long OtherKb)
{
    public static ResidentMemory Read(int pid) =>
        Parse(File.ReadAllText($"/proc/{pid}/status"), File.ReadAllText($"/proc/{pid}/smaps"));

    public static ResidentMemory Parse(string status, string smaps)
    {
        long anonymous = 0, file = 0, doubleMapper = 0, other = 0;
        var mapping = "";
        foreach (var line in smaps.Split('\n'))
        {
            if (MappingHeader().IsMatch(line))
            {
                // address perms offset dev inode [name…]: the name may hold spaces ("… (deleted)").
                mapping = string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(5));
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                var kb = Kilobytes(line);
                if (mapping.Contains("doublemapper", StringComparison.Ordinal))
                {
                    doubleMapper += kb;
                }
                else if (mapping.StartsWith('/'))
                {
                    file += kb;
                }
                else if (mapping.Length == 0 || mapping.StartsWith("[heap", StringComparison.Ordinal) || mapping.StartsWith("[anon", StringComparison.Ordinal))
                {
                    anonymous += kb;
                }
                else
                {
                    other += kb;
                }
            }
        }

        return new ResidentMemory(StatusKilobytes(status, "VmRSS"), StatusKilobytes(status, "VmHWM"), anonymous, file, doubleMapper, other);
    }

    /// <summary>
    /// One sample as tools/bench/measure-rss.sh printed it (whole MB, rounded down), so the figures in
    /// docs/benchmarks.md stay comparable: label, sample, RSS, HWM, the split, and the host's CPU seconds so far.
    /// </summary>
    public string Line(string label, string sample, double cpuSeconds, string note)
    {
        var split = string.Create(
            CultureInfo.InvariantCulture,
            $"anon {AnonymousKb / 1024} MB, file {FileKb / 1024} MB, doublemapper {DoubleMapperKb / 1024} MB, other {OtherKb / 1024} MB");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{label,-10} {sample,-6} RSS {ResidentKb / 1024,4} MB  HWM {PeakKb / 1024,4} MB  ({split})  CPU {cpuSeconds:0.00}s total{note}");
    }

    private static long StatusKilobytes(string status, string field) =>
        status.Split('\n').FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal)) is { } line
            ? Kilobytes(line)
            : throw new FormatException($"/proc status has no {field}.");

    /// <summary>"Name:   1234 kB" → 1234.</summary>
    private static long Kilobytes(string line) =>
        long.Parse(line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    [GeneratedRegex("^[0-9a-f]+-[0-9a-f]+ ")]
    private static partial Regex MappingHeader();
}
