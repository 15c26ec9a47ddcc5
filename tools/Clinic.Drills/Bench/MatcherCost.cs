using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Clinic.Evaluation;
using Clinic.Modules.Intake.CrisisLanguage;

namespace Clinic.Drills.Bench;

/// <summary>
/// What the crisis-language matcher costs in one process, without a host or services: managed bytes it
/// keeps alive, CPU to build it, and CPU per classified message. The fingerprint over every evaluation
/// message's matched rules shows that a change to the matcher left its answers exactly as they were.
/// Run it alone: CPU time is the whole process's, so a busy machine mostly shows in the wall-clock figures.
/// </summary>
internal static class MatcherCost
{
    private const string Routine =
        "Hello, I was referred by my GP for PTSD after a car accident two years ago. I sleep badly, I get " +
        "flashbacks when I drive and I would like to know whether ketamine therapy could help me. I work " +
        "weekdays until 5pm, so an evening call would suit me best. My insurance is through my employer; " +
        "please tell me what paperwork you need before the first appointment. Thank you for your time.";

    private const string Crisis =
        "Hello, I was referred by my GP for depression. Things have got much worse this month: I do not " +
        "sleep, I have stopped eating properly and some nights I want to die. I have not done anything but " +
        "I think about it a lot and I am scared of what I might do to myself. Please call me as soon as you can.";

    public static string Run(int repeats)
    {
        var examples = CrisisEvaluation.Read(CrisisEvaluation.DefaultPath);
        var lines = new List<string>();
        void Line(string text) => lines.Add(text);

        var baseline = Retained();
        var (rules, buildCpu, buildWall) = Timed(CrisisLanguageRules.LoadEmbedded);
        var afterBuild = Retained();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"build: {buildCpu.TotalMilliseconds:0} ms CPU ({buildWall.TotalMilliseconds:0} ms wall), {Mb(afterBuild - baseline)} retained; {rules.Count} rules, {rules.GuardCount} guards, rule set {rules.Version}"));

        foreach (var (name, text) in new[] { ("routine", Routine), ("crisis", Crisis) })
        {
            var count = Math.Max(1000, repeats * 100);
            var rulesHit = string.Join(",", rules.Match(text)?.MatchedRules ?? ["none"]);
            var (_, cpu, wall) = Timed(() =>
            {
                for (var i = 0; i < count; i++)
                {
                    rules.Match(text);
                }

                return 0;
            });
            Line(string.Create(CultureInfo.InvariantCulture,
                $"{name} submission ({text.Length} chars, rules: {rulesHit}): {cpu.TotalMicroseconds / count:0.0} µs CPU per message ({wall.TotalMicroseconds / count:0.0} µs wall) over {count}; {Mb(Retained() - baseline)} retained since before the build"));
        }

        var (fingerprint, firstCpu, firstWall) = Timed(() => Fingerprint(rules, examples));
        var afterFirst = Retained();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"first run over the evaluation set ({examples.Count} messages): {firstCpu.TotalMilliseconds:0} ms CPU ({firstWall.TotalMilliseconds:0} ms wall), {Mb(afterFirst - baseline)} retained since before the build"));

        var (_, repeatCpu, repeatWall) = Timed(() =>
        {
            for (var i = 0; i < repeats; i++)
            {
                foreach (var example in examples)
                {
                    rules.Match(example.Message);
                }
            }

            return 0;
        });
        var afterRepeats = Retained();
        var classified = (double)repeats * examples.Count;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"{repeats} more runs over it: {repeatCpu.TotalMicroseconds / classified:0.0} µs CPU per message ({repeatWall.TotalMicroseconds / classified:0.0} µs wall), {Mb(afterRepeats - baseline)} retained since before the build"));

        Line(string.Create(CultureInfo.InvariantCulture,
            $"retained at the end: {Mb(Retained() - baseline)}; managed heap {Mb(GC.GetGCMemoryInfo().HeapSizeBytes)}"));
        Line($"classification fingerprint (SHA-256 over each message's matched rules): {fingerprint}");
        GC.KeepAlive(rules);
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Every message's line and matched rule ids, hashed: equal fingerprints mean equal classifications.</summary>
    private static string Fingerprint(CrisisLanguageRules rules, IReadOnlyList<CrisisExample> examples)
    {
        var all = new StringBuilder();
        foreach (var example in examples)
        {
            var match = rules.Match(example.Message);
            all.Append(example.Line).Append('\t').AppendJoin(',', match?.MatchedRules ?? []).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString())))[..16];
    }

    private static long Retained()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static (T Result, TimeSpan Cpu, TimeSpan Wall) Timed<T>(Func<T> work)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var result = work();
        wall.Stop();
        process.Refresh();
        return (result, process.TotalProcessorTime - cpuBefore, wall.Elapsed);
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MB");
}
