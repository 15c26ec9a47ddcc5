namespace Clinic.Modules.Intake.OnCall;

/// <summary>Who an escalation step alerts, resolved at the moment it fires.</summary>
internal interface IOnCallRoster
{
    /// <summary>
    /// Staff e-mail addresses for the step's targets (<see cref="Deadlines.EscalationTargets"/> names or addresses) at
    /// <paramref name="at"/>, without repeats; never empty (the policy's fallback when the schedule names nobody).
    /// </summary>
    Task<IReadOnlyList<string>> ResolveAsync(IReadOnlyList<string> targets, DateTimeOffset at, CancellationToken cancellationToken);
}
