using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>Erases every request whose outcome is older than its retention period and that no legal hold protects.</summary>
internal sealed partial class RetentionSweep(IIntakeStore store, Erasure erasure, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweep> logger)
{
    public const string Actor = "system (retention policy)";

    /// <returns>How many requests were erased.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var erased = 0;
        foreach (var (outcome, period) in options.Value.Periods)
        {
            var before = now - period;
            List<Guid> due;
            await using (var session = store.QuerySession())
            {
                due = [.. await session.Query<PrivacyStatus>()
                    .Where(s => s.Outcome == outcome && s.OutcomeAt < before && s.ErasedAt == null && s.HoldReason == null)
                    .Select(s => s.Id)
                    .ToListAsync(cancellationToken)];
            }

            foreach (var id in due)
            {
                if (await erasure.EraseAsync(id, Erasure.ByPolicy(outcome), Actor, null, cancellationToken) == ErasureOutcome.Erased)
                {
                    erased++;
                }
            }
        }

        LogSwept(logger, erased);
        return erased;
    }

    [LoggerMessage(LogLevel.Information, "Retention policy applied: {Count} requests erased")]
    private static partial void LogSwept(ILogger logger, int count);
}

/// <summary>
/// The daily run of the retention policy, in the escalation timers' clustered Quartz store: durable, and fired on one
/// host of the cluster only. A run that fails is simply the next day's work (erasure is idempotent).
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class RetentionJob(RetentionSweep sweep, ILogger<RetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("privacy-retention", "privacy");

    /// <summary>Every day at 03:30 UTC: the quiet hours of a clinic in the Americas or Europe.</summary>
    public const string Schedule = "0 30 3 * * ?";

    public static void Register(IQuartzBuilder quartz)
    {
        quartz.AddJob<RetentionJob>(job => job.WithIdentity(Key).StoreDurably().RequestRecovery());
        quartz.AddTrigger(trigger => trigger.ForJob(Key).WithIdentity("privacy-retention-daily", "privacy")
            .WithCronSchedule(Schedule, cron => cron.InTimeZone(TimeZoneInfo.Utc)));
    }

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await sweep.RunAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The retention run failed ({ErrorType}); tomorrow's run picks it up")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
