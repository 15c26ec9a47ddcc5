using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <summary>
/// The condition page of two published builds side by side (issue 15's "within 10 % of before"): each host on a
/// DrillStage of its own, both running, measured one at a time and alternating, each round a 5 s wrk warm-up and 15 s
/// measured with the bench's wrk settings (-t2 -c64) on /conditions/ptsd, with the host's CPU time per request beside
/// requests/s (throughput alone swings widely on a shared machine). The same measure as
/// tools/bench/content-before-after.sh, which it replaced; publishing the two builds is left to the caller.
/// </summary>
internal static class ContentBeforeAfter
{
    private const string Page = "conditions/ptsd";
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(15);

    /// <summary>Page serving only: no log line per request, as the script ran them.</summary>
    private static readonly Dictionary<string, string> PageSettings = new() { ["Logging__LogLevel__Default"] = "Warning" };

    public static async Task<string> RunAsync(DrillSettings settings, string beforeDll, string afterDll, string baseline, int rounds, Action<string> progress)
    {
        await using var beforeStage = await DrillStage.CreateAsync(settings with { HostDll = beforeDll }, "content-before");
        await using var afterStage = await DrillStage.CreateAsync(settings with { HostDll = afterDll }, "content-after");
        var before = await StartAsync(beforeStage, "content-before");
        var after = await StartAsync(afterStage, "content-after");
        var beforeRounds = new List<ContentRound>();
        var afterRounds = new List<ContentRound>();
        for (var round = 1; round <= rounds; round++)
        {
            beforeRounds.Add(await MeasureAsync(before, $"round {round}, before", progress));
            afterRounds.Add(await MeasureAsync(after, $"round {round}, after", progress));
        }

        return ContentComparison.Table(baseline, beforeRounds, afterRounds);
    }

    private static Task<ClinicHost> StartAsync(DrillStage stage, string name) =>
        stage.StartHostAsync(name, new Dictionary<string, string>(PageSettings) { ["Accounts__Schema"] = stage.Schema + "_accounts" });

    private static async Task<ContentRound> MeasureAsync(ClinicHost host, string name, Action<string> progress)
    {
        var pid = host.ProcessId ?? throw new InvalidOperationException($"{host.Name} is not running.");
        var page = new Uri(host.BaseAddress, Page);
        await Wrk.RunAsync(page, WarmUp, 64);
        var cpuBefore = CpuMeter.TreeSeconds(pid);
        var measured = await Wrk.RunAsync(page, Measured, 64);
        var cpu = CpuMeter.TreeSeconds(pid) - cpuBefore;
        var result = new ContentRound((long)measured.RequestsPerSecond, (long)(cpu * 1_000_000 / Math.Max(1, measured.Requests)));
        progress($"{name}: {result.RequestsPerSecond} req/s, {result.CpuMicrosecondsPerRequest} µs of host CPU per request");
        return result;
    }
}
