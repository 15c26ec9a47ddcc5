using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// At every start, re-applies every erasure in the journal: destroys each key again, and for an erasure the database
/// does not know (a restore to a point before it) or one never finished (a crash), appends its event and purges the
/// copies again. Idempotent; retried until it has run through once.
/// </summary>
internal sealed partial class ErasureJournalReplay(IServiceProvider services, ErasureJournal journal, ILogger<ErasureJournalReplay> logger) : BackgroundService
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the journal has been re-applied (the tests and the restore drill wait for it).</summary>
    public Task Completed => _done.Task;

    public static IReadOnlyList<(ErasureJournalEntry Entry, bool Purged)> Pending(IEnumerable<ErasureJournalEntry> entries)
    {
        var erasures = new Dictionary<Guid, (ErasureJournalEntry Entry, bool Purged)>();
        foreach (var entry in entries)
        {
            switch (entry.Stage)
            {
                case ErasureJournal.Erasing when !erasures.ContainsKey(entry.RequestId):
                    erasures[entry.RequestId] = (entry, false);
                    break;
                case ErasureJournal.Purged when erasures.TryGetValue(entry.RequestId, out var erasure):
                    erasures[entry.RequestId] = erasure with { Purged = true };
                    break;
                case "cancelled-held" when erasures.TryGetValue(entry.RequestId, out var erasure) && !erasure.Purged:
                    erasures.Remove(entry.RequestId);
                    break;
            }
        }

        return [.. erasures.Values];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var pending = Pending(await journal.ReadAsync(stoppingToken));
                await using var scope = services.CreateAsyncScope();
                var erasure = scope.ServiceProvider.GetRequiredService<Erasure>();
                foreach (var (entry, purged) in pending)
                {
                    await erasure.ReapplyAsync(entry, purged, stoppingToken);
                }

                LogReplayed(logger, pending.Count);
                _done.TrySetResult();
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Erasure journal re-applied: {Count} erasures")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Re-applying the erasure journal failed ({ErrorType}); trying again")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
