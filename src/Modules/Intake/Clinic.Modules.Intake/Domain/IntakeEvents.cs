namespace Clinic.Modules.Intake.Domain;

// The facts of a request's life, stored in Marten, one stream per request. Past tense, append-only.
// Public only because Marten's generated storage code must see them; nothing outside Intake uses them.

/// <summary>A visitor submitted the Schedule A Call form and it passed validation.</summary>
public sealed record IntakeRequestSubmitted(
    Guid RequestId,
    string Reference,
    string FirstName,
    string LastName,
    string Email,
    string Phone,
    string PreferredContact,
    string ConditionSlug,
    string BestTimeToCall,
    string? Message,
    string TermsVersion,
    DateTimeOffset SubmittedAt);

/// <summary>Notifications reported that staff were told about the request through one channel.</summary>
public sealed record StaffNotified(string Channel, string Recipient, DateTimeOffset NotifiedAt);
