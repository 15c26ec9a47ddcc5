using Clinic.Modules.Intake.Domain;
using Marten;

namespace Clinic.Modules.Intake.Audit;

/// <summary>
/// Rebuilds every request's read model from its events alone. Run it when a read model is suspect; it
/// is safe to repeat. Requests being worked during a replay may need it again (it does not lock streams).
/// </summary>
internal static class AuditReplay
{
    private const int BatchSize = 200;

    public static async Task<long> RebuildAsync(IDocumentStore store, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        IReadOnlyList<Guid> streams;
        await using (var query = store.QuerySession())
        {
            streams = await query.AdvancedSql.QueryAsync<Guid>($"select id from {schema}.mt_streams order by id", cancellationToken);
        }

        long done = 0;
        foreach (var batch in streams.Chunk(BatchSize))
        {
            await using var session = store.LightweightSession();
            foreach (var id in batch)
            {
                if (await session.Events.AggregateStreamAsync<IntakeRequest>(id, token: cancellationToken) is { } request)
                {
                    session.Store(request);
                }
            }

            await session.SaveChangesAsync(cancellationToken);
            done += batch.Length;
            progress?.Report((done, streams.Count));
        }

        return done;
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
                    var count = await AuditReplay.RebuildAsync(store, progress, CancellationToken.None);
                    Outcome = $"Rebuilt {count} request(s) from their events (started by {by}).";
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
