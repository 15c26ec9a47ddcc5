using Quartz;

namespace Clinic.Modules.Intake.Escalation;

/// <summary>
/// The durable timers, one Quartz job per (request, deadline, step) with one trigger that fires at the step's time and
/// then again every <see cref="RetryInterval"/> until the job deletes itself, having raised the step or found it
/// needless: a run that fails (the database away, the host stopping) is run again, never lost with its spent trigger. Keys are derived from
/// those three, so scheduling the same step twice (a subscription page processed again after a crash, two
/// hosts) finds the job already there, and cancelling a deadline finds every step it scheduled.
/// </summary>
internal sealed class EscalationTimers(ISchedulerFactory schedulers)
{
    public const string RequestIdKey = "requestId";
    public const string DeadlineKey = "deadline";
    public const string StepKey = "step";

    /// <summary>How soon a step whose run failed is run again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    public static JobKey KeyFor(Guid requestId, string deadline, int step) => new($"{deadline}.{step}", GroupOf(requestId));

    private static string GroupOf(Guid requestId) => $"request-{requestId:N}";

    /// <summary>Schedules the step to fire at <paramref name="at"/> (at once when that has passed); a step already scheduled is left as it is.</summary>
    public async Task ScheduleAsync(Guid requestId, string deadline, int step, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var key = KeyFor(requestId, deadline, step);
        var job = JobBuilder.Create<EscalationJob>()
            .WithIdentity(key)
            .UsingJobData(RequestIdKey, requestId.ToString("N"))
            .UsingJobData(DeadlineKey, deadline)
            .UsingJobData(StepKey, step)
            // A host killed while this runs: another host of the cluster runs it again (the job is idempotent).
            .RequestRecovery()
            .Build();
        try
        {
            await scheduler.ScheduleJob(job, TriggerAt(key, key.Name, at), default, cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Scheduled before: the first schedule stands.
        }
    }

    /// <summary>Moves a step that fired early to its time, as a second trigger of the same job (the running one completes).</summary>
    public static async Task RetryAtAsync(IScheduler scheduler, JobKey key, DateTimeOffset at, CancellationToken cancellationToken) =>
        await scheduler.ScheduleTrigger(TriggerAt(key, $"{key.Name}.retry-{at.UtcTicks}", at), TriggerConflict.Keep, cancellationToken);

    /// <summary>A step is settled (raised, or no longer needed): its job and every trigger of it go.</summary>
    public static async Task CompleteAsync(IScheduler scheduler, JobKey key, CancellationToken cancellationToken) =>
        await scheduler.DeleteJob(key, cancellationToken);

    /// <summary>The action that meets a deadline cancels every step of its chain still pending.</summary>
    /// <param name="steps">The longest chain the policy has: every step that may have been scheduled.</param>
    public async Task CancelAsync(Guid requestId, string deadline, int steps, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJobs([.. Enumerable.Range(1, steps).Select(step => KeyFor(requestId, deadline, step))], cancellationToken);
    }

    private static ITrigger TriggerAt(JobKey job, string name, DateTimeOffset at) => TriggerBuilder.Create()
        .WithIdentity(name, job.Group)
        .ForJob(job)
        .StartAt(at)
        // Hosts all down when it was due: fire as soon as one is back, never skip; then again until the job is settled.
        .WithSimpleSchedule(s => s.WithInterval(RetryInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
        .Build();
}
