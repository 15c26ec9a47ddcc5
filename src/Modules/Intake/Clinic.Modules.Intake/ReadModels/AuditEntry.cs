using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>One line of the auditor's list of requests.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public string ConditionSlug { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public int AlertsSent { get; set; }

    public static AuditEntry Create(RequestSubmitted e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = Arrival.Condition(e), SubmittedAt = e.SubmittedAt };

    public static AuditEntry Create(SuspectedSpamReceived e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = Arrival.Condition(e), SubmittedAt = e.ReceivedAt };

    public void Apply(StaffAlerted e) => AlertsSent++;
}
