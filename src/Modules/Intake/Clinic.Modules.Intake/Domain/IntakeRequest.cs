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
    };

    public static IntakeRequest Create(SuspectedSpamReceived received) => new()
    {
        Id = received.RequestId,
        Reference = received.Reference,
        ConditionSlug = received.Request.ConditionSlug,
        SubmittedAt = received.ReceivedAt,
        Fingerprint = received.Fingerprint,
        IsSuspectedSpam = true,
    };

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
