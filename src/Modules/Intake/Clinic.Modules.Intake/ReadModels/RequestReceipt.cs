using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>
/// What a submission must check at once: is the reference taken, was this exact request stored before, was it
/// urgent, and when it was promised a call. Kept inline, in the same transaction as the events, so a resubmission
/// always finds it. Written by the first commit of a request; only a restore from the spam folder sets new deadlines.
/// </summary>
public sealed class RequestReceipt
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public bool IsUrgent { get; set; }

    /// <summary>The first-contact deadline the visitor is told; null for suspected spam, which staff are not asked to answer.</summary>
    public DateTimeOffset? FirstContactBy { get; set; }

    public static RequestReceipt Create(RequestSubmitted e) => new() { Id = e.RequestId, Reference = e.Reference, Fingerprint = e.Fingerprint };

    public static RequestReceipt Create(SuspectedSpamReceived e) => new() { Id = e.RequestId, Reference = e.Reference, Fingerprint = e.Fingerprint };

    public void Apply(RequestMarkedUrgent e) => IsUrgent = true;

    public void Apply(ResponseDeadlinesSet e) => FirstContactBy = e.FirstContactBy;
}
