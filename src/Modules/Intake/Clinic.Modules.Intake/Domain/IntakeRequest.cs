namespace Clinic.Modules.Intake.Domain;

/// <summary>
/// A request as its events describe it. Marten keeps it up to date inline with every append
/// (one document per stream), so lookups by reference and idempotency checks are a single read.
/// It holds no personal data: that stays in the events.
/// </summary>
public sealed class IntakeRequest
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public string ConditionSlug { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public string Fingerprint { get; set; } = "";

    public bool IsSuspectedSpam { get; set; }

    public bool IsUrgent { get; set; }

    public string? UrgencyRuleSetVersion { get; set; }

    public Triage.RequestStatus Status { get; set; }

    public string? AcknowledgedBy { get; set; }

    public string? AssignedTo { get; set; }

    public DateTimeOffset? ScheduledFor { get; set; }

    public int ContactAttempts { get; set; }

    /// <summary>When staff last did something with it (or when it arrived).</summary>
    public DateTimeOffset LastActivityAt { get; set; }

    public List<Delivery> Deliveries { get; set; } = [];

    public List<Failure> Failures { get; set; } = [];

    public int Version { get; set; }

    public static IntakeRequest Create(IntakeRequestSubmitted submitted) => new()
    {
        Id = submitted.RequestId,
        Reference = submitted.Reference,
        ConditionSlug = submitted.Request.ConditionSlug,
        SubmittedAt = submitted.SubmittedAt,
        Fingerprint = submitted.Fingerprint,
        LastActivityAt = submitted.SubmittedAt,
    };

    public static IntakeRequest Create(SuspectedSpamReceived received) => new()
    {
        Id = received.RequestId,
        Reference = received.Reference,
        ConditionSlug = received.Request.ConditionSlug,
        SubmittedAt = received.ReceivedAt,
        Fingerprint = received.Fingerprint,
        IsSuspectedSpam = true,
        LastActivityAt = received.ReceivedAt,
    };

    public void Apply(RequestAcknowledged e) => Touch(e.At, () => (Status, AcknowledgedBy, AssignedTo) = (Triage.RequestStatus.Acknowledged, e.By, AssignedTo ?? e.By));

    public void Apply(RequestAssigned e) => Touch(e.At, () => AssignedTo = e.To);

    public void Apply(ContactAttempted e) => Touch(e.At, () =>
    {
        ContactAttempts++;
        Status = Status is Triage.RequestStatus.Scheduled ? Status : Triage.RequestStatus.Contacting;
    });

    public void Apply(CallScheduled e) => Touch(e.At, () => (Status, ScheduledFor) = (Triage.RequestStatus.Scheduled, e.For));

    public void Apply(RequestDeclined e) => Touch(e.At, () => Status = Triage.RequestStatus.Declined);

    public void Apply(RequestClosed e) => Touch(e.At, () => Status = Triage.RequestStatus.Closed);

    public void Apply(NoteAdded e) => Touch(e.At, () => { });

    public void Apply(SpamCleared e) => Touch(e.At, () => IsSuspectedSpam = false);

    private void Touch(DateTimeOffset at, Action change)
    {
        change();
        LastActivityAt = at;
    }

    public void Apply(RequestMarkedUrgent urgent)
    {
        IsUrgent = true;
        UrgencyRuleSetVersion = urgent.RuleSetVersion;
    }

    public void Apply(StaffNotified notified) =>
        Deliveries.Add(new Delivery(notified.Channel, notified.Recipient, notified.NotifiedAt));

    public void Apply(NotificationFailed failed) =>
        Failures.Add(new Failure(failed.Channel, failed.Recipient, failed.Reason, failed.Final, failed.FailedAt));

    public bool HasFailure(string channel, string recipient, bool final) =>
        Failures.Exists(f => f.Channel == channel && f.Final == final && string.Equals(f.Recipient, recipient, StringComparison.OrdinalIgnoreCase));

    public bool WasNotified(string channel, string recipient) =>
        Deliveries.Exists(d => d.Channel == channel && string.Equals(d.Recipient, recipient, StringComparison.OrdinalIgnoreCase));

    public sealed record Delivery(string Channel, string Recipient, DateTimeOffset At);

    public sealed record Failure(string Channel, string Recipient, string Reason, bool Final, DateTimeOffset At);
}
