namespace Clinic.Modules.Intake.Domain;

// When staff must respond, and what happened when they did not. No personal data: recipients are staff.

/// <summary>
/// The response policy's deadlines for this request, fixed when it entered the staff's flow (submitted, or
/// restored from the spam folder), so a later change of policy never moves a promise already made.
/// </summary>
/// <param name="AcknowledgeBy">A staff member must have acknowledged it (or started working on it) by then.</param>
/// <param name="FirstContactBy">A first contact attempt must be logged by then.</param>
/// <param name="Policy">Which policy computed them ("urgent" or "routine") and its configured version.</param>
public sealed record ResponseDeadlinesSet(DateTimeOffset AcknowledgeBy, DateTimeOffset FirstContactBy, string Policy, DateTimeOffset SetAt);

/// <summary>
/// A deadline passed without the action that meets it: step <paramref name="Step"/> (1-based) of the
/// escalation chain alerted these staff recipients, resolved from the on-call schedule at that moment.
/// </summary>
/// <param name="Deadline">One of <see cref="Deadlines.DeadlineKinds"/>.</param>
public sealed record EscalationRaised(string Deadline, int Step, IReadOnlyList<string> Recipients, DateTimeOffset DueAt, DateTimeOffset RaisedAt);
