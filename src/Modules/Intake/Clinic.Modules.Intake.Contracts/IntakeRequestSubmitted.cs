namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// A visitor's Schedule A Call request was accepted and stored. Carries no personal data:
/// consumers that need details ask Intake's staff views, which are access-controlled.
/// </summary>
public sealed record IntakeRequestSubmitted(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    DateTimeOffset SubmittedAt);
