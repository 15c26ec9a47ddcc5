namespace Clinic.Modules.Intake.Domain;

// The facts of a request's life, stored in Marten, one stream per request. Past tense, append-only.
// Public only because Marten's generated storage code must see them; nothing outside Intake uses them.

/// <summary>What the visitor asked for, as validated and normalised (trimmed) at submission.</summary>
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
public sealed record RequestSubmitted(
    Guid RequestId,
    string Reference,
    ContactRequest Request,
    string TermsVersion,
    string Channel,
    string Fingerprint,
    DateTimeOffset SubmittedAt);

/// <summary>
/// A submission that tripped the anti-spam honeypot. Kept, never silently dropped, but staff are not
/// alerted; a person can review it and restore it into the normal flow.
/// </summary>
public sealed record SuspectedSpamReceived(
    Guid RequestId,
    string Reference,
    ContactRequest Request,
    string TermsVersion,
    string Channel,
    string Fingerprint,
    string Reason,
    DateTimeOffset ReceivedAt);

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
