using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events;
using Marten.Subscriptions;

namespace Clinic.Modules.Intake.Escalation;

/// <summary>
/// Keeps the durable timers in step with the events, in order, through Marten's async daemon (one host, the
/// leader): deadlines set → step 1 of each chain; the action that meets a deadline → its pending steps
/// cancelled; a step raised → the next one, if the chain has it. Progress is recorded after the page, so a
/// crash processes it again; scheduling is idempotent and every firing re-checks the history, so a repeat
/// (or a timer that outlived its deadline) changes nothing.
/// </summary>
internal sealed class DeadlineTimers : SubscriptionBase
{
    public const string SubscriptionName = "deadline-timers";
    private readonly EscalationTimers _timers;
    private readonly ResponsePolicy _policy;

    public DeadlineTimers(EscalationTimers timers, ResponsePolicy policy)
    {
        _timers = timers;
        _policy = policy;
        Name = SubscriptionName;
        IncludeType<ResponseDeadlinesSet>();
        IncludeType<EscalationRaised>();
        IncludeType<RequestAcknowledged>();
        IncludeType<ContactAttempted>();
        IncludeType<CallScheduled>();
        IncludeType<RequestDeclined>();
        IncludeType<RequestClosed>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var schedules = page.Events.Where(e => e.Data is ResponseDeadlinesSet or EscalationRaised).ToList();
        // Urgency (which chain) from the events themselves, never from a read model that a replay may be rebuilding.
        var streamIds = schedules.Select(e => e.StreamId).Distinct().ToArray();
        var urgent = streamIds.Length == 0
            ? []
            : (await operations.Events.QueryAllRawEvents()
                    .Where(e => streamIds.Contains(e.StreamId) && e.EventTypesAre(typeof(RequestMarkedUrgent)))
                    .ToListAsync(cancellationToken))
                .Select(e => e.StreamId)
                .ToHashSet();

        foreach (var @event in page.Events)
        {
            var chain = _policy.EscalationFor(urgent.Contains(@event.StreamId));
            switch (@event.Data)
            {
                case ResponseDeadlinesSet set when chain.Count > 0:
                    await _timers.ScheduleAsync(@event.StreamId, DeadlineKinds.Acknowledge, 1, EscalationRules.FiresAt(set.AcknowledgeBy, chain, 1), cancellationToken);
                    await _timers.ScheduleAsync(@event.StreamId, DeadlineKinds.FirstContact, 1, EscalationRules.FiresAt(set.FirstContactBy, chain, 1), cancellationToken);
                    break;
                case EscalationRaised raised when raised.Step < chain.Count:
                    await _timers.ScheduleAsync(
                        @event.StreamId, raised.Deadline, raised.Step + 1, EscalationRules.FiresAt(raised.DueAt, chain, raised.Step + 1), cancellationToken);
                    break;
                case var fact:
                    foreach (var deadline in EscalationRules.DeadlinesMetBy(fact))
                    {
                        await _timers.CancelAsync(@event.StreamId, deadline, Math.Max(_policy.EscalationFor(true).Count, _policy.EscalationFor(false).Count), cancellationToken);
                    }

                    break;
            }
        }

        return NullChangeListener.Instance;
    }
}
