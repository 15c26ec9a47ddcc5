using System.Diagnostics;
using Clinic.Modules.Intake.Domain;
using Marten;
using Weasel.Core;

namespace Clinic.Modules.Intake.Audit;

/// <summary>How much a replay rebuilt, and how long it took.</summary>
internal sealed record ReplayReport(long Requests, long Events, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Rebuilds every request's read model from its events alone. Run it when a read model is suspect; it
/// is safe to repeat. Requests being worked during a replay may need it again (it does not lock streams).
/// </summary>
/// <remarks>
/// Built for a long history: each batch of streams is one query for all their events and one COPY of the
/// rebuilt documents (rather than a query and an upsert per request), and batches run on every core.
/// The projection itself is Marten's own aggregator, the same code that keeps the read model inline.
/// </remarks>
internal static class AuditReplay
{
    private const int StreamsPerBatch = 2000;

    public static async Task<ReplayReport> RebuildAsync(IDocumentStore store, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var schema = store.Options.Events.DatabaseSchemaName;
        IReadOnlyList<Guid> streams;
        await using (var query = store.QuerySession())
        {
            streams = await query.AdvancedSql.QueryAsync<Guid>($"select id from {schema}.mt_streams order by id", cancellationToken);
        }

        var aggregator = ((StoreOptions)store.Options).Projections.AggregatorFor<IntakeRequest>();
        long requests = 0, events = 0, done = 0;
        var parallelism = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(streams.Chunk(StreamsPerBatch), parallelism, async (batch, token) =>
        {
            await using var session = store.QuerySession();
            var history = await session.Events.QueryAllRawEvents()
                .Where(e => batch.Contains(e.StreamId))
                .OrderBy(e => e.Sequence)
                .ToListAsync(token);
            var rebuilt = new List<IntakeRequest>(batch.Length);
            foreach (var stream in history.GroupBy(e => e.StreamId))
            {
                if (await aggregator.BuildAsync([.. stream], session, null, token) is { } request)
                {
                    rebuilt.Add(request);
                }
            }

            await store.BulkInsertAsync(rebuilt, BulkInsertMode.OverwriteExisting, cancellation: token);
            Interlocked.Add(ref requests, rebuilt.Count);
            Interlocked.Add(ref events, history.Count);
            progress?.Report((Interlocked.Add(ref done, batch.Length), streams.Count));
        });

        return new ReplayReport(requests, events, clock.Elapsed);
    }
}

/// <summary>The replay started from the audit page: one at a time per host, its progress for the page to show.</summary>
internal sealed class ReplayJob(IDocumentStore store)
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
