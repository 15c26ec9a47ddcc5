namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// A visitor's Schedule A Call request was accepted and stored. Carries no personal data:
/// consumers that need details ask Intake's staff views, which are access-controlled.
/// </summary>
/// <param name="IsUrgent">The visitor's message matched crisis-language rules: notify on every urgent channel.</param>
public sealed record IntakeRequestSubmitted(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    bool IsUrgent,
    DateTimeOffset SubmittedAt);
