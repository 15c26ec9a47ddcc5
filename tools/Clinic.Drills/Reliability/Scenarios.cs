using System.Diagnostics;
using System.Globalization;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Reliability;

internal static class Scenarios
{
    public static IReadOnlyList<Scenario> All { get; } =
        [new BrokerOutage(), new HostKilledRepeatedly(), new SmtpOutage(), new DatabaseOutage(), new LeaderKilled(), new EscalationUnderCrashes(), new BackupAndRestore()];

    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}

internal sealed class BrokerOutage : Scenario
{
    public override string Name => "rabbitmq-outage";
    public override string Title => "RabbitMQ stopped 35 s under load";
    public override string MustHold => "every request acknowledged during and around the outage is notified exactly once after recovery";

    protected override async Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures)
    {
        var clock = Stopwatch.StartNew();
        await At(clock, 15);
        var before = load.Acknowledged;
        var down = Stopwatch.StartNew();
        try
        {
            await Shell.RunAsync("rabbitmqctl", "-q", "stop_app");
            await At(clock, 50);
        }
        finally
        {
            await Shell.RunAsync("rabbitmqctl", "-q", "start_app");
        }

        var during = load.Acknowledged - before;
        observations.Add($"broker down {Scenarios.Seconds(down.Elapsed)}; {during} request(s) acknowledged meanwhile");
        if (during == 0)
        {
            failures.Add("no request was acknowledged while the broker was down: intake must not depend on RabbitMQ");
        }
    }
}

internal sealed class HostKilledRepeatedly : Scenario
{
    public override string Name => "host-sigkill";
    public override string Title => "Host SIGKILLed 4 times under load";
    public override string MustHold => "0 acknowledged requests lost, 0 duplicate notifications";

    protected override async Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures)
    {
        var clock = Stopwatch.StartNew();
        var host = stage.Hosts[0];
        var restarts = new List<TimeSpan>();
        foreach (var second in new[] { 9.3, 21.7, 33.1, 46.9 })
        {
            await At(clock, second);
            await host.KillAsync();
            var restart = Stopwatch.StartNew();
            await host.StartAsync();
            restarts.Add(restart.Elapsed);
        }

        observations.Add($"killed {restarts.Count} times; back to ready in {string.Join(", ", restarts.Select(Scenarios.Seconds))}");
    }
}

internal sealed class SmtpOutage : Scenario
{
    public override string Name => "smtp-outage";
    public override string Title => "SMTP relay down 30 s";
    public override string MustHold => "notifications are retried and delivered once it returns; meanwhile the failures show as events";

    protected override TimeSpan LoadDuration => TimeSpan.FromSeconds(45);

    protected override async Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures)
    {
        var clock = Stopwatch.StartNew();
        await At(clock, 10);
        await stage.Smtp.StopAsync();
        var webhooksBefore = stage.Webhooks.Received.Count;
        var acceptedBefore = load.Acknowledged;
        int failed;
        try
        {
            await At(clock, 40);
            failed = await stage.CountEventsAsync("notification_failed");
        }
        finally
        {
            await stage.Smtp.StartAsync();
        }

        var webhooksDuring = stage.Webhooks.Received.Count - webhooksBefore;
        var acceptedDuring = load.Acknowledged - acceptedBefore;
        observations.Add($"{failed} NotificationFailed event(s) recorded while the relay was down; {webhooksDuring} webhook alert(s) delivered meanwhile for {acceptedDuring} request(s) accepted");
        if (failed == 0)
        {
            failures.Add("no NotificationFailed event was recorded during the outage");
        }

        // Other channels must not wait for e-mail (allow for the last second's alerts still in flight).
        if (webhooksDuring < acceptedDuring - RequestsPerSecond * 2)
        {
            failures.Add("webhook alerts were held up by the e-mail outage");
        }
    }
}

internal sealed class DatabaseOutage : Scenario
{
    public override string Name => "postgres-outage";
    public override string Title => "PostgreSQL stopped 20 s";
    public override string MustHold => "submissions get a clear 503 (no 2xx for anything not stored); after restart, processing resumes with no skipped events";

    protected override TimeSpan LoadDuration => TimeSpan.FromSeconds(50);

    protected override async Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures)
    {
        var clock = Stopwatch.StartNew();
        var (version, cluster) = await LocalClusterAsync();
        await At(clock, 15);
        var refusedBefore = load.Count(a => a == "503");
        var down = Stopwatch.StartNew();
        try
        {
            await Shell.RunAsync("pg_ctlcluster", version, cluster, "stop", "-m", "fast");
            await At(clock, 35);
        }
        finally
        {
            await Shell.RunAsync("pg_ctlcluster", version, cluster, "start");
            // The drill's own pooled connections died with the server; the hosts must recover on their own.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        var refused = load.Count(a => a == "503") - refusedBefore;
        observations.Add($"database down {Scenarios.Seconds(down.Elapsed)}; {refused} submission(s) answered 503 meanwhile");
        if (refused == 0)
        {
            failures.Add("no submission was answered 503 while the database was down");
        }
    }

    /// <summary>The Debian cluster serving port 5432 (pg_lsclusters: version, name, port, status, …).</summary>
    private static async Task<(string Version, string Cluster)> LocalClusterAsync()
    {
        var line = (await Shell.RunAsync("pg_lsclusters", "-h"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f.Length > 3 && f[2] == "5432" && f[3] == "online")
            ?? throw new InvalidOperationException("No online PostgreSQL cluster on port 5432 (pg_lsclusters).");
        return (line[0], line[1]);
    }
}

internal sealed class LeaderKilled : Scenario
{
    public override string Name => "leader-failover";
    public override string Title => "Two hosts; daemon leader SIGKILLed";
    public override string MustHold => "one leader per daemon shard at a time; killing a leader moves its shards within 60 s; still exactly once";

    protected override int Hosts => 2;

    protected override async Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures)
    {
        var clock = Stopwatch.StartNew();
        var doubleLed = false;
        IReadOnlyList<(long LockId, string Host)> leaders = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(20) || leaders.Count == 0)
        {
            leaders = await SampleAsync();
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                failures.Add("no daemon leader could be seen in 60 s");
                return;
            }

            await Task.Delay(250);
        }

        var victimName = leaders[0].Host;
        var victimShards = leaders.Where(l => l.Host == victimName).Select(l => l.LockId).ToHashSet();
        await stage.Hosts.Single(h => h.Name == victimName).KillAsync();
        var failover = Stopwatch.StartNew();
        string? successor = null;
        while (failover.Elapsed < TimeSpan.FromSeconds(90))
        {
            var now = await SampleAsync();
            var moved = now.Where(l => victimShards.Contains(l.LockId) && l.Host != victimName).ToList();
            if (moved.Count == victimShards.Count)
            {
                successor = moved[0].Host;
                break;
            }

            await Task.Delay(250);
        }

        var took = failover.Elapsed;
        observations.Add(successor is null
            ? $"{victimName} (leading {victimShards.Count} shard(s)) killed; no successor within {Scenarios.Seconds(took)}"
            : $"{victimName} (leading {victimShards.Count} shard(s)) killed; {successor} led them after {Scenarios.Seconds(took)}");
        if (successor is null || took > TimeSpan.FromSeconds(60))
        {
            failures.Add("leadership did not move within 60 s");
        }

        if (doubleLed)
        {
            failures.Add("two hosts held the same shard's leadership at the same time");
        }

        async Task<IReadOnlyList<(long LockId, string Host)>> SampleAsync()
        {
            var sample = await stage.LeadersAsync();
            doubleLed |= sample.GroupBy(l => l.LockId).Any(g => g.Select(l => l.Host).Distinct().Count() > 1);
            return sample;
        }
    }
}
