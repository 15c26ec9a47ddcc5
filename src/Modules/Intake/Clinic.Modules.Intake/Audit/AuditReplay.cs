using System.Diagnostics;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Marten.Events;

namespace Clinic.Modules.Intake.Audit;

/// <summary>How much a replay rebuilt, and how long it took.</summary>
internal sealed record ReplayReport(long Requests, long Events, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Rebuilds every request's read models from its events alone, with Marten's own projection rebuild (the
/// same projections that keep them inline). Run it when a read model is suspect; it is safe to repeat, and
/// safe on a live site: appends wait for it (<see cref="ReadModelLock"/>), then build on what it rebuilt.
/// </summary>
internal static class AuditReplay
{
    /// <summary>The read models a replay rebuilds: every inline projection of Intake.</summary>
    public static readonly Type[] ReadModels = [typeof(RequestReceipt), typeof(InboxEntry), typeof(RequestView), typeof(AuditEntry), typeof(ResponseRecord), typeof(Privacy.PrivacyStatus)];

    /// <summary>Per read model; far beyond what a clinic's history needs, short of never.</summary>
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromHours(1);

    public static async Task<ReplayReport> RebuildAsync(IDocumentStore store, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var exclusive = await ReadModelLock.EnterForReplayAsync(store, cancellationToken);
        await AwaitHighWaterAsync(store, cancellationToken);
        long events;
        await using (var query = store.QuerySession())
        {
            events = await query.Events.QueryAllRawEvents().CountAsync(cancellationToken);
        }

        progress?.Report((0, ReadModels.Length));
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            for (var i = 0; i < ReadModels.Length; i++)
            {
                await daemon.RebuildProjectionAsync(ReadModels[i], RebuildTimeout, cancellationToken);
                progress?.Report((i + 1, ReadModels.Length));
            }
        }

        long requests, arrived;
        await using (var query = store.QuerySession())
        {
            requests = await query.Query<RequestReceipt>().CountAsync(cancellationToken);
            arrived = await query.Events.QueryAllRawEvents()
                .Where(e => e.EventTypesAre(typeof(Domain.RequestSubmitted), typeof(Domain.SuspectedSpamReceived)))
                .CountAsync(cancellationToken);
        }

        // Every request that arrived before the lock was taken must have its read models now; fewer means the
        // rebuild stopped short (a high-water mark that never caught up), and saying "done" would hide it.
        if (requests < arrived)
        {
            throw new InvalidOperationException(
                $"The replay rebuilt read models for {requests} of {arrived} requests: the daemon's high-water mark did not reach the last event. Check that a host is running (its daemon advances the mark), then run the replay again.");
        }

        return new ReplayReport(requests, events, clock.Elapsed);
    }

    /// <summary>
    /// Marten's rebuild stops at the daemon's high-water mark, which may trail the last committed event by
    /// a moment (or by a sequence gap it has not yet declared stale); streams past it would get no read
    /// model. With appends held back, the running daemon reaches the last event within seconds: wait for it.
    /// With no daemon running anywhere the mark never moves, and the rebuild's own detection has to do.
    /// </summary>
    private static async Task AwaitHighWaterAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var deadline = DateTimeOffset.UtcNow + HighWaterWait;
        await using var query = store.QuerySession();
        var last = (await query.AdvancedSql.QueryAsync<long>($"select coalesce(max(seq_id), 0) from {schema}.mt_events", cancellationToken))[0];
        while (DateTimeOffset.UtcNow < deadline)
        {
            var mark = (await store.Advanced.AllProjectionProgress(token: cancellationToken))
                .FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0;
            if (mark >= last)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static readonly TimeSpan HighWaterWait = TimeSpan.FromSeconds(15);
}
/// <summary>The replay started from the audit page: one at a time per host, its progress for the page to show.</summary>
internal sealed class ReplayJob(IIntakeStore store)
{
    private readonly Lock _gate = new();
    private Task? _running;

    public (long Done, long Total) Progress { get; private set; }

    public string? Outcome { get; private set; }

    public bool IsRunning => _running is { IsCompleted: false };

    public bool TryStart(string by)
    {
        lock (_gate)
        {
            if (IsRunning)
            {
                return false;
            }

            Outcome = null;
            Progress = (0, 0);
            var progress = new Progress<(long Done, long Total)>(p => Progress = p);
            _running = Task.Run(async () =>
            {
                try
                {
                    var report = await AuditReplay.RebuildAsync(store, progress, CancellationToken.None);
                    Outcome = $"Rebuilt {report.Requests} request(s) from {report.Events} event(s) (started by {by}).";
                }
                catch (Exception e)
                {
                    Outcome = $"The replay stopped: {e.GetType().Name}. Run it again, or use 'Clinic.Host audit replay' to see details.";
                }
            });
            return true;
        }
    }
}
