using System.Globalization;
using System.Text;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <summary>
/// The bench's pipeline phase alone: one host with the bench's settings plus extra environment variables (a runtime
/// setting to price, such as <c>DOTNET_TieredPGO=0</c>), the same 20 s warm-up at 50 req/s, then the 100 req/s phase
/// <paramref name="repeats"/> times, each with its CPU per request and e-mail p99. For comparing two builds or settings
/// of the same commit, run back to back, alone: a few minutes instead of the whole bench.
/// </summary>
internal static class PipelineCpu
{
    public static async Task<string> RunAsync(DrillSettings settings, IReadOnlyDictionary<string, string> extra, int repeats, Action<string> progress)
    {
        await using var stage = await DrillStage.CreateAsync(settings, "pipeline-cpu");
        var host = await stage.StartHostAsync("pipeline-host", ExtraHostEnvironment.Over(BenchRun.HostSettings, extra));
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var hostPid = host.ProcessId ?? throw new InvalidOperationException("The host is not running.");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Host {settings.HostDll}; extra settings: {ExtraHostEnvironment.Describe(extra)}");
        progress("warming up: 50 requests/s for 20 s");
        await OpenLoop.RunAsync(host.BaseAddress, 50, TimeSpan.FromSeconds(20), run + "-warm");
        await BenchRun.DrainAsync(stage);
        for (var i = 1; i <= repeats; i++)
        {
            progress($"repeat {i}: 100 requests/s for 20 s");
            var cpu = CpuSample.Take(hostPid);
            var pipeline = await OpenLoop.RunAsync(host.BaseAddress, 100, TimeSpan.FromSeconds(20), $"{run}-pipeline-{i}");
            var notified = await BenchRun.WaitForMailAsync(stage, pipeline.Accepted, TimeSpan.FromSeconds(120));
            await BenchRun.DrainAsync(stage);
            var used = cpu.Since(hostPid, pipeline.Accepted.Count);
            var line = string.Create(CultureInfo.InvariantCulture, $"repeat {i}: {notified.Count}/{pipeline.Sent} mailed, e-mail p50 {Percentiles.Of(notified, 50):0} ms, p99 {Percentiles.Of(notified, 99):0} ms; CPU per request {used.Describe()}; RabbitMQ {used.RabbitMqMs:0.00} ms");
            progress(line);
            text.AppendLine(line);
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Host peak RSS (VmHWM): {(host.PeakResidentBytes() ?? 0) / 1024 / 1024} MB");
        return text.ToString();
    }
}
