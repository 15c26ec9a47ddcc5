namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// The host's rate-limiting policy for submissions (per client, and the host's capacity), named by string because
/// modules cannot reference the host. Reading pages is never limited.
/// </summary>
internal static class IntakeRateLimiting
{
    public const string PolicyName = "intake-submissions";

    /// <summary>The host's per-client limit on looking up a request by its reference.</summary>
    public const string StatusLookupsPolicyName = "request-status-lookups";
}
