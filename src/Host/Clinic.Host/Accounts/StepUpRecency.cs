using System.Security.Claims;

namespace Clinic.Host.Accounts;

/// <summary>
/// Whether a session gave its second factor within the step-up window, for pages that decide in code (adding a
/// sign-in method to an account that already has a second factor) rather than by policy. Same rule as
/// <see cref="RecentSecondFactorHandler"/>.
/// </summary>
internal static class StepUpRecency
{
    public static bool IsRecent(ClaimsPrincipal user, TimeProvider time, IConfiguration configuration) =>
        StepUp.LastSecondFactor(user) is { } last && time.GetUtcNow() - last <= configuration.GetValue(StepUp.WindowKey, StepUp.DefaultWindow);

    /// <summary>Adding a sign-in method: free for a first second factor, otherwise only with a recent one.</summary>
    public static bool MayAddSignInMethod(StaffAccount account, ClaimsPrincipal user, TimeProvider time, IConfiguration configuration) =>
        !account.HasSecondFactor || IsRecent(user, time, configuration);
}
