namespace Clinic.Modules.Intake.Domain;

// The facts of a request's life, stored in Marten, one stream per request. Past tense, append-only.
// Public only because Marten's generated storage code must see them; nothing outside Intake uses them.

/// <summary>
/// What the visitor asked for, as validated and normalised (trimmed) at submission. Stored in events only by versions
/// before encryption at rest (such events still read); now the personal fields travel encrypted
/// (<see cref="EncryptedPersonalData"/>) and only what routing needs stays in clear beside them.
/// </summary>
public sealed record ContactRequest(
    string FirstName,
    string LastName,
    string Email,
    string Phone,
    string PreferredContact,
    string ConditionSlug,
    string BestTimeToCall,
    string? Message,
    bool WantsAcknowledgement);

/// <summary>A visitor submitted a request that passed validation. Staff will be notified.</summary>
/// <param name="Channel">"form" (the web page) or "api" (the JSON endpoint).</param>
/// <param name="Fingerprint">A hash of the submitted values, to tell a resubmission from a different request.</param>
/// <param name="Request">Plain text, in events written before encryption at rest only; null since.</param>
/// <param name="ConditionSlug">In clear for the inbox, the condition filter and routing (null in older events: see Request).</param>
/// <param name="WantsAcknowledgement">In clear so the forwarder decrypts only when it must send the acknowledgement.</param>
/// <param name="Personal">Names, e-mail, phone, preferred contact, best time and message, under the request's data key.</param>
public sealed record RequestSubmitted(
    Guid RequestId,
    string Reference,
    ContactRequest? Request,
    string TermsVersion,
    string Channel,
    string Fingerprint,
    DateTimeOffset SubmittedAt,
    string? ConditionSlug = null,
    bool WantsAcknowledgement = false,
    EncryptedPersonalData? Personal = null);

/// <summary>
/// A submission that tripped the anti-spam honeypot. Kept, never silently dropped, but staff are not
/// alerted; a person can review it and restore it into the normal flow.
/// </summary>
/// <param name="Request">Plain text, in events written before encryption at rest only (see <see cref="RequestSubmitted"/>).</param>
public sealed record SuspectedSpamReceived(
    Guid RequestId,
    string Reference,
    ContactRequest? Request,
    string TermsVersion,
    string Channel,
    string Fingerprint,
    string Reason,
    DateTimeOffset ReceivedAt,
    string? ConditionSlug = null,
    bool WantsAcknowledgement = false,
    EncryptedPersonalData? Personal = null);

/// <summary>The free text matched crisis-language rules: staff should see this request first.</summary>
public sealed record RequestMarkedUrgent(string RuleSetVersion, IReadOnlyList<string> MatchedRules, DateTimeOffset MarkedAt);

/// <summary>
/// Telling staff through one channel failed: first while retries continue, then finally when they are
/// exhausted. The reason names the fault only.
/// </summary>
public sealed record NotificationFailed(string Channel, string Recipient, string Reason, bool Final, DateTimeOffset FailedAt);

/// <summary>Notifications reported that staff were told about the request through one channel.</summary>
/// <param name="Deadline">Set (with <paramref name="Step"/>) when this was an escalation step, not the arrival alert; absent in older events.</param>
public sealed record StaffAlerted(string Channel, string Recipient, DateTimeOffset NotifiedAt, string? Deadline = null, int? Step = null);
