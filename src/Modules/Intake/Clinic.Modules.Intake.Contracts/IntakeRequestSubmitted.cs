namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// A visitor's Schedule A Call request was accepted and stored. Carries no personal data unless the
/// clinic opts in (<see cref="Visitor"/>): consumers that need details ask Intake's staff views, which are
/// access-controlled.
/// </summary>
/// <param name="Visitor">Null unless the clinic opted in to alerts with the visitor's details.</param>
/// <param name="IsUrgent">The visitor's message matched crisis-language rules: notify on every urgent channel.</param>
/// <param name="IsSuspectedSpam">
/// Tripped the anti-spam check. Suspected spam is forwarded only when it is also urgent: a person in
/// crisis who set off the spam check by accident must still reach staff.
/// </param>
public sealed record IntakeRequestSubmitted(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    bool IsUrgent,
    bool IsSuspectedSpam,
    DateTimeOffset SubmittedAt,
    VisitorDetails? Visitor = null);

/// <summary>
/// Who to call and how, for clinics that choose alerts with the visitor's details
/// (<c>Intake:Alerts:IncludeVisitorDetails</c>). In the message body only, never in headers.
/// </summary>
public sealed record VisitorDetails(
    string Name,
    string Phone,
    string Email,
    string PreferredContact,
    string BestTimeToCall,
    string? Message);
