using System.Diagnostics;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Reliability;

/// <summary>
/// A failure a clinic will meet, played against real hosts under load. Every scenario is judged on the
/// same ledger: each acknowledged request must reach staff exactly once by e-mail and by webhook, be
/// stored, and have its deliveries recorded on its history.
/// </summary>
internal abstract class Scenario
{
    protected const double RequestsPerSecond = 10;

    public abstract string Name { get; }

    public abstract string Title { get; }

    public abstract string MustHold { get; }

    protected virtual int Hosts => 1;

    protected virtual TimeSpan LoadDuration => TimeSpan.FromSeconds(60);

    /// <summary>Runs alongside the load: stop something, wait, bring it back. Adds what it saw and what failed.</summary>
    protected abstract Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures);

    public virtual async Task<ScenarioResult> RunAsync(DrillSettings settings, Action<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var observations = new List<string>();
        var failures = new List<string>();
        await using var stage = await DrillStage.CreateAsync(settings, Name);
        for (var i = 1; i <= Hosts; i++)
        {
            await stage.StartHostAsync($"{Name}-host-{i}");
        }

        // One request first, on its own tally: a brand-new host answers 400 until the condition list has arrived from Content.
        // Clients go to running hosts; while none runs (a restart), they knock on the dead one's door and retry.
        IReadOnlyList<ClinicHost> Targets() => stage.RunningHosts is { Count: > 0 } running ? running : stage.Hosts;
        var warmUp = new IntakeLoad(Targets);
        await warmUp.RunAsync(1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var load = new IntakeLoad(Targets);
        progress($"{Title}: offering {RequestsPerSecond}/s for {LoadDuration.TotalSeconds:0} s");
        await Task.WhenAll(
            load.RunAsync(RequestsPerSecond, LoadDuration, giveUpAfter: TimeSpan.FromSeconds(120)),
            DisruptAsync(stage, load, observations, failures));

        progress($"{Title}: waiting for every notification");
        var ledger = await Ledger.SettleAsync(stage, load, warmUp, TimeSpan.FromMinutes(5));
        observations.AddRange(ledger.Observations);
        failures.AddRange(ledger.Failures);

        // Crashes and outages must not break the tamper-evident seal chain, nor stop the sealer.
        if (await stage.Hosts[0].CommandSucceedsAsync("audit verify --require-sealed"))
        {
            observations.Add("audit verify: every event is sealed and the history is intact");
        }
        else
        {
            failures.Add("audit verify found a broken seal or unsealed events (see the host log)");
        }
        return new ScenarioResult(
            Name, Title, MustHold, load.Submissions.Count + warmUp.Submissions.Count, ledger.Accepted, ledger.Expected, ledger.Notified, ledger.Lost,
            ledger.Duplicates, ledger.ResentSameId, load.Count(a => a == "503"), ledger.Errors,
            Math.Round(clock.Elapsed.TotalSeconds), observations, failures);
    }

    protected static Task At(Stopwatch clock, double seconds) =>
        TimeSpan.FromSeconds(seconds) - clock.Elapsed is var wait && wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
}
