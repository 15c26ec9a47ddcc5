using System.Globalization;
using System.Text;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <param name="Label">The first column of each line, to tell builds or settings apart.</param>
/// <param name="Extra">Host environment over the bench's settings (--env NAME=VALUE).</param>
/// <param name="MetricsFile">Where to save the host's /metrics after the load, if anywhere.</param>
internal sealed record HostMemoryOptions(string Label, IReadOnlyDictionary<string, string> Extra, TimeSpan Submissions, TimeSpan PageReads, string? MetricsFile);

/// <summary>
/// The host's memory at start and after a fixed load, without the bench: one host with the bench's settings (plus any
/// extra environment) on the stage's own schemas and RabbitMQ vhost, sampled 10 s after it is ready once its CPU is
/// quiet, loaded with JSON submissions (wrk -t1 -c8) then condition-page reads (wrk -t2 -c64, the bench's settings),
/// and sampled again once quiet. Each sample: VmRSS, VmHWM (the peak so far), the smaps split, and the host's CPU
/// seconds. The same measure tools/bench/measure-rss.sh took, with DrillStage's settings instead of a copy of them.
/// </summary>
internal static class HostMemory
{
    private const string Page = "conditions/ptsd";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    public static async Task<string> RunAsync(DrillSettings settings, HostMemoryOptions options, Action<string> progress)
    {
        await using var stage = await DrillStage.CreateAsync(settings, "rss");
        // Its staff accounts too in a schema of its own, dropped with the stage's others.
        var benchSettings = new Dictionary<string, string>(BenchRun.HostSettings) { ["Accounts__Schema"] = stage.Schema + "_accounts" };
        var host = await stage.StartHostAsync("rss-host", ExtraHostEnvironment.Over(benchSettings, options.Extra));
        var pid = host.ProcessId ?? throw new InvalidOperationException("The host is not running.");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Host {settings.HostDll}; extra settings: {ExtraHostEnvironment.Describe(options.Extra)}");
        void Sample(string name, double cpu, string note)
        {
            var line = ResidentMemory.Read(pid).Line(options.Label, name, cpu, note);
            progress(line);
            text.AppendLine(line);
        }

        await Task.Delay(Settle);
        await QuietAsync(pid, progress);
        var startCpu = CpuMeter.TreeSeconds(pid);
        Sample("start", startCpu, string.Create(CultureInfo.InvariantCulture, $" (start-up {startCpu:0.00} s)"));

        progress($"submissions: wrk -t1 -c8 for {options.Submissions.TotalSeconds:0} s");
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var script = await Wrk.PerRequestKeyScriptAsync(Path.Combine(stage.Directory, "submit.lua"), "", """
              local body = '{"firstName":"Rss","lastName":"Visitor","email":"rss.visitor' .. n .. '@example.com","phone":"555-010-2222",'
                .. '"preferredContact":"phone","condition":"ptsd","bestTimeToCall":"evening","message":"Evenings are best.",'
                .. '"acceptTerms":true,"sendAcknowledgement":false}'
              return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "rss-" .. n }, body)
            """);
        var posts = await Wrk.RunAsync(new Uri(host.BaseAddress, "api/intake/requests"), options.Submissions, threads: 1, connections: 8, script, run);
        await QuietAsync(pid, progress);
        progress($"page reads: wrk -t2 -c64 for {options.PageReads.TotalSeconds:0} s");
        var gets = await Wrk.RunAsync(new Uri(host.BaseAddress, Page), options.PageReads, 64);
        await QuietAsync(pid, progress);
        var cpu = CpuMeter.TreeSeconds(pid);
        Sample("loaded", cpu, string.Create(
            CultureInfo.InvariantCulture,
            $" (load {cpu - startCpu:0.00} s; {posts.Requests} posts, {gets.Requests} gets, non-2xx posts: {posts.NonSuccess})"));

        if (options.MetricsFile is { } metricsFile)
        {
            using var http = new HttpClient();
            try
            {
                await File.WriteAllTextAsync(metricsFile, await http.GetStringAsync(new Uri(host.BaseAddress, "metrics")));
            }
            catch (HttpRequestException e)
            {
                progress($"no metrics saved: {e.Message}");
            }
        }

        return text.ToString();
    }

    /// <summary>Until the host's CPU over 2 s is under 0.05 s (the pipeline has drained), for at most 180 s.</summary>
    private static async Task QuietAsync(int pid, Action<string> progress)
    {
        for (var i = 0; i < 90; i++)
        {
            var before = CpuMeter.TreeSeconds(pid);
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (CpuMeter.TreeSeconds(pid) - before < 0.05)
            {
                return;
            }
        }

        progress("the host's CPU was still busy after 180 s; sampling anyway");
    }
}
