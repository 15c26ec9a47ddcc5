using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Where a request stands in its personal-data lifecycle: what it ended as and when (for the retention policy),
/// any legal hold, an erasure waiting for its second admin, and the erasure itself. Holds no personal data.
/// Public only for Marten's generated storage code.
/// </summary>
public sealed class PrivacyStatus
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public DateTimeOffset ArrivedAt { get; set; }

    /// <summary>Retention outcome: <see cref="RetentionOutcomes"/>; null while the request is open.</summary>
    public string? Outcome { get; set; }

    /// <summary>When the request reached <see cref="Outcome"/>: the retention period counts from here.</summary>
    public DateTimeOffset? OutcomeAt { get; set; }

    public string? HoldReason { get; set; }

    public string? HeldBy { get; set; }

    public bool IsHeld => HoldReason is not null;

    public Guid? PendingErasureId { get; set; }

    public string? ErasureReason { get; set; }

    public string? ErasureRequestedBy { get; set; }

    public DateTimeOffset? ErasureRequestedAt { get; set; }

    /// <summary>Set once a second admin approved; the erasure follows at once (and is completed by a retry after a crash).</summary>
    public string? ErasureApprovedBy { get; set; }

    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>"request" or "policy:&lt;outcome&gt;".</summary>
    public string? ErasedBecause { get; set; }

    public bool IsErased => ErasedAt is not null;

    public long Version { get; set; }

    public static PrivacyStatus Create(RequestSubmitted e) => new() { Id = e.RequestId, Reference = e.Reference, ArrivedAt = e.SubmittedAt };

    public static PrivacyStatus Create(SuspectedSpamReceived e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ArrivedAt = e.ReceivedAt, Outcome = RetentionOutcomes.SuspectedSpam, OutcomeAt = e.ReceivedAt };

    public void Apply(SpamCleared e) => (Outcome, OutcomeAt) = (null, null);

    public void Apply(RequestDeclined e) => (Outcome, OutcomeAt) = (RetentionOutcomes.Declined, e.At);

    public void Apply(RequestClosed e) => (Outcome, OutcomeAt) = (RetentionOutcomes.Closed, e.At);

    public void Apply(LegalHoldPlaced e) => (HoldReason, HeldBy) = (e.Reason, e.By);

    public void Apply(LegalHoldLifted e) => (HoldReason, HeldBy) = (null, null);

    public void Apply(ErasureRequested e) =>
        (PendingErasureId, ErasureReason, ErasureRequestedBy, ErasureRequestedAt) = (e.ErasureId, e.Reason, e.By, e.At);

    public void Apply(ErasureApproved e) => ErasureApprovedBy = e.By;

    public void Apply(PersonalDataErased e) => (ErasedAt, ErasedBecause, PendingErasureId) = (e.ErasedAt, e.Reason, null);
}

/// <summary>The outcomes the retention policy names (configuration keys under <c>Privacy:Retention</c>).</summary>
internal static class RetentionOutcomes
{
    public const string SuspectedSpam = "SuspectedSpam";
    public const string Declined = "Declined";
    public const string Closed = "Closed";
    public static readonly string[] All = [SuspectedSpam, Declined, Closed];
}
