using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>
/// How quickly staff answered one request, for the response-time page: when it entered the staff's flow, its
/// deadlines, and when each was first met. Built from the events alone (the actions carry their own time), so a
/// replay gives the same figures. No personal data.
/// </summary>
public sealed class ResponseRecord
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public bool IsUrgent { get; set; }

    /// <summary>Still in the spam folder and never given deadlines: not (yet) something staff owed an answer.</summary>
    public bool IsSuspectedSpam { get; set; }

    /// <summary>When staff became responsible for it: submission, or leaving the spam folder. Null while it is suspected spam.</summary>
    public DateTimeOffset? EnteredFlowAt { get; set; }

    public DateTimeOffset? AcknowledgeBy { get; set; }

    public DateTimeOffset? FirstContactBy { get; set; }

    /// <summary>The first action that meets the acknowledge deadline (acknowledged, contact attempt, call, declined, closed).</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>The first contact attempt or scheduled call; a request declined or closed without one has none.</summary>
    public DateTimeOffset? FirstContactAt { get; set; }

    /// <summary>The first action that meets the first-contact deadline (contact attempt, call, declined, closed).</summary>
    public DateTimeOffset? FirstContactDeadlineMetAt { get; set; }

    public int EscalationsRaised { get; set; }

    public static ResponseRecord Create(RequestSubmitted e) =>
        new() { Id = e.RequestId, Reference = e.Reference, EnteredFlowAt = e.SubmittedAt };

    public static ResponseRecord Create(SuspectedSpamReceived e) =>
        new() { Id = e.RequestId, Reference = e.Reference, IsSuspectedSpam = true };

    public void Apply(RequestMarkedUrgent e) => IsUrgent = true;

    /// <summary>The first deadlines are the promise made; a later set (if any) never moves it.</summary>
    public void Apply(ResponseDeadlinesSet e)
    {
        AcknowledgeBy ??= e.AcknowledgeBy;
        FirstContactBy ??= e.FirstContactBy;
        EnteredFlowAt ??= e.SetAt;
    }

    public void Apply(SpamCleared e)
    {
        IsSuspectedSpam = false;
        EnteredFlowAt ??= e.At;
    }

    public void Apply(RequestAcknowledged e) => AcknowledgedAt ??= e.At;

    public void Apply(ContactAttempted e) => Contacted(e.At);

    public void Apply(CallScheduled e) => Contacted(e.At);

    public void Apply(RequestDeclined e) => Finished(e.At);

    public void Apply(RequestClosed e) => Finished(e.At);

    public void Apply(EscalationRaised e) => EscalationsRaised++;

    private void Contacted(DateTimeOffset at)
    {
        FirstContactAt ??= at;
        Finished(at);
    }

    private void Finished(DateTimeOffset at)
    {
        AcknowledgedAt ??= at;
        FirstContactDeadlineMetAt ??= at;
    }
}
