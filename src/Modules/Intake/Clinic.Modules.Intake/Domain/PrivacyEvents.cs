namespace Clinic.Modules.Intake.Domain;

// A request's personal-data lifecycle: holds, erasure asked and approved, erasure done. None of these carries a
// visitor's details; actors are staff user names, "system (retention policy)" or "system (erasure journal)".

/// <summary>
/// The request's personal data was made unreadable (its data key destroyed) and its plain-text copies removed.
/// The events stay, so the history's types, times and actors and the seal chain remain.
/// </summary>
/// <param name="Reason">"request" (a person asked, four eyes) or "policy:&lt;outcome&gt;" (the retention policy).</param>
/// <param name="ApprovedBy">The second admin, for an erasure on request; null for the retention policy.</param>
public sealed record PersonalDataErased(string Reason, string By, string? ApprovedBy, DateTimeOffset ErasedAt);

/// <summary>A legal hold: the request's personal data must not be erased, by policy or on request, until lifted.</summary>
public sealed record LegalHoldPlaced(string Reason, string By, DateTimeOffset At);

public sealed record LegalHoldLifted(string Reason, string By, DateTimeOffset At);

/// <summary>An admin asked for this request's erasure (one of the requests a person asked about); another admin must approve.</summary>
/// <param name="ErasureId">Shared by every request asked about together.</param>
public sealed record ErasureRequested(Guid ErasureId, string Reason, string By, DateTimeOffset At);

/// <summary>A second admin, never the one who asked, approved the erasure.</summary>
public sealed record ErasureApproved(Guid ErasureId, string By, DateTimeOffset At);
