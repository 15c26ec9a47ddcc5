namespace Clinic.Modules.Intake.Domain;

// What staff did with a request, each by a named person. Appended with the version the person saw, so a
// decision made on a stale screen is refused rather than silently overwriting a colleague's.

/// <summary>A staff member has seen the request and owns getting it answered.</summary>
public sealed record RequestAcknowledged(string By, DateTimeOffset At);

public sealed record RequestAssigned(string To, string By, DateTimeOffset At);

/// <param name="Outcome">One of <see cref="Triage.TriageRules.ContactOutcomes"/>.</param>
public sealed record ContactAttempted(string Outcome, string By, DateTimeOffset At);

public sealed record CallScheduled(DateTimeOffset For, string By, DateTimeOffset At);

/// <param name="Reason">Plain text in declines recorded before their reasons were sealed only; null since (staff quote visitors here).</param>
/// <param name="SealedReason">The reason under the request's data key, so erasing the request erases it.</param>
public sealed record RequestDeclined(string? Reason, string By, DateTimeOffset At, EncryptedPersonalData? SealedReason = null);

public sealed record RequestClosed(string By, DateTimeOffset At);

/// <param name="Text">Plain text in notes written before encryption at rest only; null since (staff write visitors' details here).</param>
/// <param name="SealedText">The note under the request's data key, so erasing the request erases its notes.</param>
public sealed record NoteAdded(string? Text, string By, DateTimeOffset At, EncryptedPersonalData? SealedText = null);

/// <summary>A person reviewed a suspected-spam request and found it genuine: it joins the normal flow and staff are alerted.</summary>
public sealed record SpamCleared(string By, DateTimeOffset At);
