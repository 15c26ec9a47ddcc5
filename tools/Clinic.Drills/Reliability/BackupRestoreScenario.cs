using System.Diagnostics;
using System.Globalization;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Reliability;

/// <summary>
/// The database's disk is lost under load. The drill's own PostgreSQL cluster (never the shared one) is
/// backed up with deploy/local/backup.sh while requests arrive, then stopped without a checkpoint and
/// deleted; deploy/local/restore.sh brings the latest moment the WAL archive holds back onto a new cluster,
/// and a host is started on it. Every request acknowledged before that recovery point must be there and
/// reach staff exactly once; requests the destroyed database acknowledged after it are counted apart.
/// </summary>
internal sealed class BackupAndRestore : Scenario
{
    /// <summary>How long a commit may wait to be archived: the most a lost disk can take with it.</summary>
    private const int ArchiveTimeoutSeconds = 1;

    private string? _backups;
    private string? _restoredName;
    private DateTimeOffset? _recoveryPoint;
    private PostgresCluster? _source;
    private PostgresCluster? _restored;
    private readonly DrillErasures _erasures = new();
    private DateTimeOffset? _lostAt;

    public override string Name => "backup-restore";
    public override string Title => "Database lost under load; restored from backup";
    /// <summary>Long enough for requests after the backup and after the disaster, whatever the backup takes on a busy machine.</summary>
    protected override TimeSpan LoadDuration => TimeSpan.FromSeconds(90);

    public override string MustHold =>
        "every request acknowledged before the recovery point is in the restored database, notified exactly once and on its history once per channel wherever the restored delivery log knows the alert; erasures made before the loss still hold; audit verify passes on it";

    public override async Task<ScenarioResult> RunAsync(DrillSettings settings, Action<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        _restoredName = $"drill_restored_{run}";
        try
        {
            // Both clusters go, whatever happens; the stage (and its hosts) stop first, inside RunStagedAsync.
            await using var source = _source = await PostgresCluster.CreateAsync($"drill_backup_{run}");
            try
            {
                return await RunStagedAsync(settings with { Postgres = source.ConnectionString }, progress, clock);
            }
            finally
            {
                if (_restored is not null)
                {
                    await _restored.DisposeAsync();
                }
            }
        }
        finally
        {
            if (_backups is not null)
            {
                await RemoveBackupsAsync(_backups);
            }
        }
    }

    private async Task<ScenarioResult> RunStagedAsync(DrillSettings settings, Action<string> progress, Stopwatch clock)
    {
        var observations = new List<string>();
        var failures = new List<string>();
        await using var stage = await DrillStage.CreateAsync(settings, Name);
        // The clusters are dropped whole; there are no schemas to clean up in the shared database.
        stage.KeepData = true;
        // Under the temporary directory, which the postgres user can reach wherever the checkout lives.
        _backups = Directory.CreateTempSubdirectory("clinic-drill-backups-").FullName;
        var first = await stage.StartHostAsync($"{Name}-host-1");
        // Two admins, made with the host's own command, for erasures on a visitor's request (four eyes).
        await _erasures.CreateAdminsAsync(first);

        IReadOnlyList<ClinicHost> Targets() => stage.RunningHosts is { Count: > 0 } running ? running : stage.Hosts;
        var warmUp = new IntakeLoad(Targets);
        await warmUp.RunAsync(1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var load = new IntakeLoad(Targets);
        progress($"{Title}: offering {RequestsPerSecond}/s for {LoadDuration.TotalSeconds:0} s");
        await Task.WhenAll(
            // Clients refused while the database is rebuilt keep retrying: a restore and a host start on a busy machine take minutes.
            load.RunAsync(RequestsPerSecond, LoadDuration, giveUpAfter: TimeSpan.FromMinutes(5)),
            DisruptAsync(stage, load, observations, failures));

        progress($"{Title}: waiting for every notification");
        var ledger = await Ledger.SettleAsync(stage, load, warmUp, TimeSpan.FromMinutes(5), _recoveryPoint);
        observations.AddRange(ledger.Observations);
        failures.AddRange(ledger.Failures);
        if (_recoveryPoint is not null)
        {
            observations.Add(ledger.BeyondRecoveryPoint == 0
                ? "no request was acknowledged after the recovery point"
                : $"{ledger.BeyondRecoveryPoint} request(s) acknowledged by the lost database after the recovery point are not in the restored one (not owed: the archive's recovery point objective, archive_timeout = {ArchiveTimeoutSeconds} s)");
        }

        // Each request's alerts are on its history once at most, however often they were reported (the ledger also
        // requires each owed request's alert on every channel exactly once).
        var doubled = await stage.ScalarAsync(
            "select count(*) from (select stream_id from {schema}.mt_events where type = 'staff_notified' group by stream_id having count(*) > 2) d");
        if (doubled > 0)
        {
            failures.Add($"{doubled} request(s) have more than 2 StaffNotified events on their history");
        }

        // "Erasures made before the disaster still hold": DisruptAsync erased requests the base backup holds, after it
        // and before the loss; the host on the restored database re-applies the erasure journal (a file, outside the
        // destroyed cluster) at its start.
        if (stage.RunningHosts.LastOrDefault() is { } restoredForErasures && _erasures.Count > 0)
        {
            observations.AddRange(_erasures.Describe(_lostAt));
            IReadOnlyList<string> problems;
            try
            {
                problems = await _erasures.CheckAsync(stage, restoredForErasures, TimeSpan.FromMinutes(2));
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                problems = [$"the check itself failed: {e.Message}"];
            }

            var failed = Math.Min(_erasures.Count, problems.Select(p => p.Split(':')[0]).Distinct().Count());
            observations.Add($"erasures surviving the restore: {_erasures.Count - failed} of {_erasures.Count} ({_erasures.AfterRecoveryPoint} made after the recovery point, re-applied from the erasure journal)");
            failures.AddRange(problems.Select(p => $"erasure not holding after the restore: {p}"));
        }
        else
        {
            failures.Add("erasures surviving the restore: none was made, so none was checked");
        }

        if (stage.RunningHosts.LastOrDefault() is { } restoredHost && await restoredHost.CommandSucceedsAsync("audit verify --require-sealed"))
        {
            observations.Add("audit verify on the restored database: every event is sealed and the history is intact");
        }
        else
        {
            failures.Add("audit verify on the restored database found a broken seal or unsealed events (see the host log)");
        }

        return new ScenarioResult(
            Name, Title, MustHold, load.Submissions.Count + warmUp.Submissions.Count, ledger.Accepted, ledger.Expected, ledger.Notified, ledger.Lost,
            ledger.Duplicates, ledger.ResentSameId, load.Count(a => a == "503"), ledger.Errors,
            Math.Round(clock.Elapsed.TotalSeconds), observations, failures);
    }

    /// <summary>A base backup 10 s into the load; the disk lost at 45 s (or 15 s after the backup); restore, and a host on the restored database.</summary>
    protected override async Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures)
    {
        var source = _source!;
        var log = Path.Combine(stage.Directory, "backup-restore.txt");
        var clock = Stopwatch.StartNew();
        await At(clock, 10);
        var backupTook = Stopwatch.StartNew();
        var acknowledgedAtBackup = load.Acknowledged;
        // Requests the base backup holds (acknowledged before it began); number 0 shares its e-mail with the warm-up's.
        var toErase = load.Submissions.Where(s => s.Reference is not null && s.Number > 0).OrderBy(s => s.Number).Take(2).ToList();
        await Shell.RunLoggedAsync(
            log, Script("backup.sh"), "--cluster", $"{source.Version}/{source.Name}", "--dir", _backups!,
            "--archive-timeout", ArchiveTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
        observations.Add($"base backup (pg_basebackup, verified) taken under load from {acknowledgedAtBackup} acknowledged request(s) on, in {Scenarios.Seconds(backupTook.Elapsed)}");

        // Two erasures on request after the base backup: one well inside what the archive will hold, one approved
        // just before the disk is lost, so that its WAL is likely lost with it and only the erasure journal brings it back.
        var lossAt = Math.Max(45, clock.Elapsed.TotalSeconds + 15);
        Guid? late = null;
        try
        {
            await _erasures.SignInAsync(stage.Hosts[0]);
            if (toErase.Count == 2)
            {
                await _erasures.ApproveAsync(toErase[0], await _erasures.AskAsync(toErase[0]), "early");
                // Well apart from the late one, whatever signing in and the first erasure took on a busy machine.
                lossAt = Math.Max(lossAt, clock.Elapsed.TotalSeconds + 12);
                await At(clock, lossAt - 8);
                late = await _erasures.AskAsync(toErase[1]);
            }
            else
            {
                failures.Add("fewer than two requests were acknowledged before the base backup: nothing to erase");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            failures.Add($"erasure through /staff/privacy failed: {e.Message}");
        }

        await At(clock, lossAt);
        if (late is { } lateId)
        {
            try
            {
                // The case the erasure journal exists for: an erasure whose WAL is lost with the disk. Archiving is held
                // back from just before it (a backup store falling behind), so the restore surely ends before it.
                await source.HoldArchivingAsync();
                await _erasures.ApproveAsync(toErase[1], lateId, "late");
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                failures.Add($"erasure through /staff/privacy failed: {e.Message}");
            }
        }

        var acknowledgedBefore = load.Acknowledged;
        // The recovery point is measured against the latest moment the loss can have been.
        var destroyedAt = await source.DestroyAsync();
        _lostAt = destroyedAt;
        var lostAfter = clock.Elapsed;

        var restoring = Stopwatch.StartNew();
        var port = Shell.FreePort();
        // Adopted before it exists, so that a restore failing halfway still has its cluster dropped.
        _restored = PostgresCluster.Adopt(source.Version, _restoredName!, port, source.ConnectionString);
        await Shell.RunLoggedAsync(
            log, Script("restore.sh"), "--dir", _backups!, "--to", "latest", "--name", _restoredName!,
            "--port", port.ToString(CultureInfo.InvariantCulture), "--start-conf", "manual");
        var restoreTook = restoring.Elapsed;
        _recoveryPoint = await _restored.ScalarAsync("select pg_last_xact_replay_timestamp()") as DateTime? is { } replayed
            ? new DateTimeOffset(DateTime.SpecifyKind(replayed, DateTimeKind.Utc))
            : null;
        if (_recoveryPoint is null)
        {
            failures.Add("the restored database replayed no transaction from the WAL archive");
        }

        await _erasures.ClassifyAsync(_restored, stage.Schema);

        // An operator points the site at the new database and restarts it: the old host's database is gone.
        stage.MoveDatabase(_restored.ConnectionString);
        var old = stage.Hosts[0];
        var hostTook = Stopwatch.StartNew();
        await stage.StartHostAsync($"{Name}-host-2");
        await old.KillAsync();
        observations.Add(
            $"primary stopped without a checkpoint and deleted {Scenarios.Seconds(lostAfter)} into the load, at {acknowledgedBefore} acknowledged request(s); restored to the latest point in {Scenarios.Seconds(restoreTook)}" +
            (_recoveryPoint is { } point ? $", recovery point {Scenarios.Seconds(destroyedAt - point)} before the loss" : "") +
            $"; a host on it was ready {Scenarios.Seconds(hostTook.Elapsed)} later");
    }

    private static async Task RemoveBackupsAsync(string directory)
    {
        try
        {
            // backup.sh hands the directory to the postgres user; it removes it.
            await Shell.RunAsync("runuser", "-u", "postgres", "--", "rm", "-rf", directory);
        }
        catch (InvalidOperationException)
        {
            // The backup never ran: an empty directory stays in the temporary directory.
        }
    }

    /// <summary>The shipped scripts, found from the drill's own build output upwards (…/tools/Clinic.Drills/bin/…).</summary>
    private static string Script(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy", "local", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"deploy/local/{name} not found above {AppContext.BaseDirectory}");
    }
}
