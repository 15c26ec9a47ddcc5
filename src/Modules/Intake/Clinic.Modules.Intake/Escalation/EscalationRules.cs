using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Escalation;

/// <summary>What the escalation job needs to know about a request, folded from its events alone (never from a read model).</summary>
internal sealed record EscalationState(
    bool IsUrgent,
    ResponseDeadlinesSet? Deadlines,
    IReadOnlySet<string> MetDeadlines,
    IReadOnlySet<(string Deadline, int Step)> Raised)
{
    public static EscalationState From(IEnumerable<object> history)
    {
        var urgent = false;
        ResponseDeadlinesSet? deadlines = null;
        var met = new HashSet<string>(StringComparer.Ordinal);
        var raised = new HashSet<(string, int)>();
        foreach (var fact in history)
        {
            switch (fact)
            {
                case RequestMarkedUrgent:
                    urgent = true;
                    break;
                case ResponseDeadlinesSet set:
                    deadlines = set;
                    break;
                case EscalationRaised e:
                    raised.Add((e.Deadline, e.Step));
                    break;
                default:
                    met.UnionWith(EscalationRules.DeadlinesMetBy(fact));
                    break;
            }
        }

        return new EscalationState(urgent, deadlines, met, raised);
    }

    /// <summary>When the named deadline falls, or null when the request has none (suspected spam, or an unknown name).</summary>
    public DateTimeOffset? DueAt(string deadline) => (deadline, Deadlines) switch
    {
        (_, null) => null,
        (DeadlineKinds.Acknowledge, { } d) => d.AcknowledgeBy,
        (DeadlineKinds.FirstContact, { } d) => d.FirstContactBy,
        _ => null,
    };
}

internal enum EscalationOutcome
{
    /// <summary>The deadline is still unmet and this step has not fired: raise it now.</summary>
    Raise,

    /// <summary>Someone did what the deadline asks (however late): the chain stops.</summary>
    DeadlineMet,

    /// <summary>This step was raised before (a re-run after a crash, or a second host): nothing more.</summary>
    AlreadyRaised,

    /// <summary>The request has no such deadline, or the chain has no such step (the policy changed since).</summary>
    NothingToDo,

    /// <summary>Fired before the step's time (a clock apart, or a policy that moved it): try again at <see cref="EscalationDecision.FiresAt"/>.</summary>
    NotYetDue,
}

/// <param name="FiresAt">When the step is due: the deadline plus the step's delay.</param>
internal sealed record EscalationDecision(EscalationOutcome Outcome, DateTimeOffset? DueAt = null, DateTimeOffset? FiresAt = null, EscalationStepOptions? Step = null);

/// <summary>The escalation chain's rules, pure: what one firing of step k of a deadline must do.</summary>
internal static class EscalationRules
{
    /// <summary>
    /// Which deadlines a fact meets (the lead's design): acknowledging meets "acknowledge"; a contact attempt,
    /// a scheduled call, declining or closing meet both.
    /// </summary>
    public static IEnumerable<string> DeadlinesMetBy(object fact) => fact switch
    {
        RequestAcknowledged => [DeadlineKinds.Acknowledge],
        ContactAttempted or CallScheduled or RequestDeclined or RequestClosed => DeadlineKinds.All,
        _ => [],
    };

    /// <summary>When step <paramref name="step"/> (1-based) of a chain fires for a deadline due at <paramref name="dueAt"/>.</summary>
    public static DateTimeOffset FiresAt(DateTimeOffset dueAt, IReadOnlyList<EscalationStepOptions> chain, int step) =>
        dueAt + chain[step - 1].After;

    /// <summary>
    /// A deadline counts as met when the action that meets it is in the history when the step fires, whatever
    /// its timestamp says: an acknowledgement recorded exactly at the deadline, or even after it but before
    /// this step, stops the chain.
    /// </summary>
    public static EscalationDecision Decide(
        EscalationState state, string deadline, int step, IReadOnlyList<EscalationStepOptions> chain, DateTimeOffset now)
    {
        if (state.DueAt(deadline) is not { } due || step < 1 || step > chain.Count)
        {
            return new EscalationDecision(EscalationOutcome.NothingToDo);
        }

        if (state.MetDeadlines.Contains(deadline))
        {
            return new EscalationDecision(EscalationOutcome.DeadlineMet, due);
        }

        if (state.Raised.Contains((deadline, step)))
        {
            return new EscalationDecision(EscalationOutcome.AlreadyRaised, due);
        }

        var firesAt = FiresAt(due, chain, step);
        return now < firesAt
            ? new EscalationDecision(EscalationOutcome.NotYetDue, due, firesAt, chain[step - 1])
            : new EscalationDecision(EscalationOutcome.Raise, due, firesAt, chain[step - 1]);
    }
}
