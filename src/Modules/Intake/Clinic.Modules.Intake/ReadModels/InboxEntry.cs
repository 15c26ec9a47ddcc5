using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Triage;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>One line of the staff's inbox or spam folder.</summary>
public sealed class InboxEntry
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public string ConditionSlug { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public bool IsSuspectedSpam { get; set; }

    public bool IsUrgent { get; set; }

    public RequestStatus Status { get; set; }

    public string? AssignedTo { get; set; }

    public static InboxEntry Create(RequestSubmitted e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = e.Request.ConditionSlug, SubmittedAt = e.SubmittedAt };

    public static InboxEntry Create(SuspectedSpamReceived e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = e.Request.ConditionSlug, SubmittedAt = e.ReceivedAt, IsSuspectedSpam = true };

    public void Apply(RequestMarkedUrgent e) => IsUrgent = true;

    public void Apply(RequestAcknowledged e) => (Status, AssignedTo) = (RequestLifecycle.StatusAfter(Status, e), AssignedTo ?? e.By);

    public void Apply(RequestAssigned e) => AssignedTo = e.To;

    public void Apply(ContactAttempted e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(CallScheduled e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(RequestDeclined e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(RequestClosed e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(SpamCleared e) => IsSuspectedSpam = false;
}
