using Clinic.Modules.Intake.Domain;
using JasperFx.Events;

namespace Clinic.Modules.Intake.Triage;

/// <summary>
/// A request as triage decisions see it, built from the events that change what staff may do next and
/// nothing else: delivery reports and urgency marks pass it by, so they never make a decision stale.
/// </summary>
/// <param name="Version">
/// The stream version of the last event a decision depends on. The staff page posts it back; an action
/// is refused as a conflict only when this has moved since the person looked.
/// </param>
internal sealed record TriageState(RequestStatus Status, bool IsSuspectedSpam, string? AcknowledgedBy, string? AssignedTo, long Version)
{
    public static TriageState? Create(object first, long version) => first switch
    {
        RequestSubmitted => new TriageState(RequestStatus.New, false, null, null, version),
        SuspectedSpamReceived => new TriageState(RequestStatus.New, true, null, null, version),
        _ => null,
    };

    public static TriageState Evolve(TriageState state, object fact, long version) => fact switch
    {
        RequestAcknowledged e => state with { Status = RequestLifecycle.StatusAfter(state.Status, e), AcknowledgedBy = e.By, AssignedTo = state.AssignedTo ?? e.By, Version = version },
        RequestAssigned e => state with { AssignedTo = e.To, Version = version },
        ContactAttempted or CallScheduled or RequestDeclined or RequestClosed => state with { Status = RequestLifecycle.StatusAfter(state.Status, fact), Version = version },
        // A colleague's note changes no rule, but it may change the person's mind: they should read it first.
        NoteAdded => state with { Version = version },
        SpamCleared => state with { IsSuspectedSpam = false, Version = version },
        _ => state,
    };

    /// <summary>The state after a whole history, oldest event first; null when the stream does not hold a request.</summary>
    public static TriageState? From(IEnumerable<IEvent> history)
    {
        TriageState? state = null;
        foreach (var e in history)
        {
            state = state is null ? Create(e.Data, e.Version) : Evolve(state, e.Data, e.Version);
        }

        return state;
    }
}
