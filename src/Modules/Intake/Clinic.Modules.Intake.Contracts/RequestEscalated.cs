namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// A request's deadline passed without the action that meets it: step <paramref name="Step"/> of the escalation
/// chain must alert these staff on every channel. No visitor data: recipients are staff addresses.
/// </summary>
/// <param name="Deadline">"acknowledge" or "first-contact".</param>
/// <param name="Within">How long the policy allows for that deadline, for the alert's wording.</param>
/// <param name="Recipients">Staff e-mail addresses resolved from the on-call schedule when the step fired.</param>
public sealed record RequestEscalated(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    bool IsUrgent,
    string Deadline,
    int Step,
    TimeSpan Within,
    IReadOnlyList<string> Recipients,
    DateTimeOffset DueAt,
    DateTimeOffset RaisedAt);
