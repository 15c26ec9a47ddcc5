using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.OnCall;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Clinic.Modules.Intake.Escalation;

/// <summary>
/// One step of a deadline's escalation chain, fired by Quartz on one host of the cluster. Decides from the
/// request's own events whether the deadline is still unmet, and if so appends <see cref="EscalationRaised"/>,
/// once: the append holds the stream's exclusive lock and re-reads the history under it, so a re-run after a
/// crash or a second host finds the step already raised.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class EscalationJob(
    IIntakeStore store, ResponsePolicy policy, IOnCallRoster roster, TimeProvider time, ILogger<EscalationJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var requestId = Guid.ParseExact(data.GetString(EscalationTimers.RequestIdKey)!, "N");
        var deadline = data.GetString(EscalationTimers.DeadlineKey)!;
        var step = data.GetInt(EscalationTimers.StepKey);
        try
        {
            var retryAt = await RaiseAsync(requestId, deadline, step, cancellationToken);
            if (retryAt is { } at)
            {
                await EscalationTimers.RetryAtAsync(context.Scheduler, context.JobDetail.Key, at, cancellationToken);
            }
            else
            {
                await EscalationTimers.CompleteAsync(context.Scheduler, context.JobDetail.Key, cancellationToken);
            }
        }
        catch (Exception e)
        {
            // Not settled: the step's repeating trigger runs it again shortly (and finds it raised if only the
            // clean-up failed). Nothing here may throw: the next run is the retry.
            LogFailed(logger, deadline, step, e.GetType().Name);
        }
    }

    /// <summary>Raises the step if it is due; returns when to try again if it fired early.</summary>
    private async Task<DateTimeOffset?> RaiseAsync(Guid requestId, string deadline, int step, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
        var stream = await session.Events.FetchForExclusiveWriting<RequestView>(requestId, cancellationToken);
        if (stream.Aggregate is null)
        {
            return null;
        }

        var history = await session.Events.FetchStreamAsync(requestId, token: cancellationToken);
        var state = EscalationState.From(history.Select(e => e.Data));
        var now = time.GetUtcNow();
        var decision = EscalationRules.Decide(state, deadline, step, policy.EscalationFor(state.IsUrgent), now);
        LogDecided(logger, stream.Aggregate.Reference, deadline, step, decision.Outcome);
        switch (decision.Outcome)
        {
            case EscalationOutcome.Raise:
                var recipients = await roster.ResolveAsync(decision.Step!.Notify, now, cancellationToken);
                stream.AppendOne(new EscalationRaised(deadline, step, recipients, decision.DueAt!.Value, now));
                await session.SaveChangesAsync(cancellationToken);
                return null;
            case EscalationOutcome.NotYetDue:
                return decision.FiresAt;
            default:
                return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Escalation step {Step} of the {Deadline} deadline of {Reference}: {Outcome}")]
    private static partial void LogDecided(ILogger logger, string reference, string deadline, int step, EscalationOutcome outcome);

    [LoggerMessage(LogLevel.Warning, "Escalation step {Step} of the {Deadline} deadline failed ({ErrorType}); trying again shortly")]
    private static partial void LogFailed(ILogger logger, string deadline, int step, string errorType);
}
