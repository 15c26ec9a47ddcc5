namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// Staff acted on a request, or it was escalated: a live hint for screens listing requests to look again.
/// Not an alert (nobody is told because of it) and no personal data: the reference and what happened.
/// </summary>
/// <param name="Change">What happened: "acknowledged", "assigned", "contact-attempted", "call-scheduled", "declined", "closed" or "escalated".</param>
/// <param name="At">When it was recorded.</param>
public sealed record IntakeRequestChanged(Guid RequestId, string Reference, string Change, DateTimeOffset At);
