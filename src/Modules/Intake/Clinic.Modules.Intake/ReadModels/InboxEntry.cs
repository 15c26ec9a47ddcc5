using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Triage;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>One line of the staff's inbox or spam folder, with the next response deadline it has to meet.</summary>
public sealed class InboxEntry
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public string ConditionSlug { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public bool IsSuspectedSpam { get; set; }

    public bool IsUrgent { get; set; }

    public RequestStatus Status { get; set; }

    /// <summary>Not yet closed or declined: what the inbox lists by default (an indexed column).</summary>
    public bool IsOpen { get; set; } = true;

    public string? AssignedTo { get; set; }

    public DateTimeOffset? AcknowledgeBy { get; set; }

    public DateTimeOffset? FirstContactBy { get; set; }

    public bool Acknowledged { get; set; }

    public bool Contacted { get; set; }

    /// <summary>The earliest deadline not yet met (an indexed column: "overdue" is DueAt before now); null when none is pending.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Which deadline <see cref="DueAt"/> is (<see cref="Deadlines.DeadlineKinds"/>).</summary>
    public string? DueDeadline { get; set; }

    public int Escalations { get; set; }

    public int? LastEscalationStep { get; set; }

    public static InboxEntry Create(RequestSubmitted e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = Arrival.Condition(e), SubmittedAt = e.SubmittedAt };

    public static InboxEntry Create(SuspectedSpamReceived e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = Arrival.Condition(e), SubmittedAt = e.ReceivedAt, IsSuspectedSpam = true };

    public void Apply(RequestMarkedUrgent e) => IsUrgent = true;

    public void Apply(ResponseDeadlinesSet e) => Track(e);

    public void Apply(EscalationRaised e)
    {
        Track(e);
        LastEscalationStep = e.Step;
    }

    public void Apply(RequestAcknowledged e)
    {
        (Status, AssignedTo) = (RequestLifecycle.StatusAfter(Status, e), AssignedTo ?? e.By);
        Track(e);
    }

    public void Apply(RequestAssigned e) => AssignedTo = e.To;

    public void Apply(ContactAttempted e) => Move(e);

    public void Apply(CallScheduled e) => Move(e);

    public void Apply(RequestDeclined e) => Move(e);

    public void Apply(RequestClosed e) => Move(e);

    public void Apply(SpamCleared e) => IsSuspectedSpam = false;

    private void Move(object fact)
    {
        Status = RequestLifecycle.StatusAfter(Status, fact);
        IsOpen = Status is not (RequestStatus.Closed or RequestStatus.Declined);
        Track(fact);
    }

    /// <summary>The same rule the request page applies (<see cref="DeadlineProgress"/>), kept in columns the inbox can filter on.</summary>
    private void Track(object fact)
    {
        var progress = new DeadlineProgress(AcknowledgeBy, FirstContactBy, Acknowledged, Contacted, !IsOpen, Escalations, null).After(fact);
        (AcknowledgeBy, FirstContactBy, Acknowledged, Contacted, Escalations) =
            (progress.AcknowledgeBy, progress.FirstContactBy, progress.Acknowledged, progress.Contacted, progress.Escalations);
        var next = progress.Next;
        (DueAt, DueDeadline) = (next?.At, next?.Kind);
    }
}
