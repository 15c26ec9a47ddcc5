using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Clinic.Host.Accounts;

/// <summary>
/// Step-up: sensitive actions (<see cref="AccessPolicies.AdminSensitive"/>, <see cref="AccessPolicies.AuditorSensitive"/>)
/// need a second factor given within <c>Accounts:StepUpWindow</c> (default 10 minutes). The time of the last one
/// is a claim in the session. Every path that completes a second factor stamps it: the authenticator and recovery
/// code sign-ins do so in <see cref="StaffSignInManager"/> (from Identity's "mfa" amr claim); a passkey or single
/// sign-on path adds <see cref="ClaimFor"/> to the claims it signs in with. An account with no second factor
/// enrolled (allowed where <c>Accounts:RequireSecondFactor</c> does not cover it) confirms with its password:
/// its password sign-in stamps the claim, and /account/confirm asks for the password again.
/// </summary>
internal static class StepUp
{
    public const string ClaimType = "clinic:second-factor-at";
    public const string WindowKey = "Accounts:StepUpWindow";
    public const string ConfirmPath = "/account/confirm";
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>The Identity amr claim values that mean the person just gave a second factor (or a passkey, which is one).</summary>
    private static readonly string[] SecondFactorMethods = ["mfa", "pkey", "hwk"];

    public static Claim ClaimFor(DateTimeOffset time) =>
        new(ClaimType, time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);

    /// <summary>Adds a fresh step-up claim to the claims a sign-in is about to make (replacing an older one).</summary>
    public static void Stamp(IList<Claim> claims, DateTimeOffset time)
    {
        foreach (var old in claims.Where(c => c.Type == ClaimType).ToList())
        {
            claims.Remove(old);
        }

        claims.Add(ClaimFor(time));
    }

    public static DateTimeOffset? LastSecondFactor(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(ClaimType), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>Whether a sign-in with these claims is itself a confirmation: a second factor, or the password of an account without one.</summary>
    public static bool IsEarnedBy(IEnumerable<Claim> claims, StaffAccount account) =>
        claims.Any(c => c.Type == "amr" && (SecondFactorMethods.Contains(c.Value) || (c.Value == "pwd" && !account.HasSecondFactor)));

    public static string ConfirmUrl(string returnUrl) => $"{ConfirmPath}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>Sign-in journal methods for step-up confirmations (they are not sign-ins, but are recorded alongside).</summary>
    public static class ConfirmMethods
    {
        public const string Authenticator = "confirm-authenticator";
        public const string Password = "confirm-password";
    }
}

/// <summary>The policy requirement: a second factor within the step-up window.</summary>
internal sealed class RecentSecondFactorRequirement : IAuthorizationRequirement;

internal sealed class RecentSecondFactorHandler(TimeProvider time, IConfiguration configuration) : AuthorizationHandler<RecentSecondFactorRequirement>
{
    private readonly TimeSpan _window = configuration.GetValue(StepUp.WindowKey, StepUp.DefaultWindow);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RecentSecondFactorRequirement requirement)
    {
        // Not met is left pending rather than failed: then the result names this requirement, and
        // StepUpResultHandler can tell "needs a fresh second factor" from "may not".
        if (StepUp.LastSecondFactor(context.User) is { } last && time.GetUtcNow() - last <= _window)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// When the only thing missing is a recent second factor: people are sent to confirm it and brought back (a page,
/// or an API link a browser opened, such as an export); API clients get a 403 problem details saying so.
/// Every other outcome is the default one.
/// </summary>
internal sealed class StepUpResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
        var onlyStepUp = authorizeResult.Forbidden && failed.Count > 0 && failed.All(r => r is RecentSecondFactorRequirement);
        if (!onlyStepUp)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var request = context.Request;
        var browser = request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (!Shell.ShellExtensions.IsApi(context) || (HttpMethods.IsGet(request.Method) && browser))
        {
            // A form post cannot be repeated after the detour: its page is where the person comes back to.
            var back = (request.PathBase + request.Path).ToString() + (HttpMethods.IsGet(request.Method) ? request.QueryString.ToString() : "");
            context.Response.Redirect(StepUp.ConfirmUrl(back));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "A fresh second factor is needed",
                Detail = $"This action needs your second factor again: confirm it at {StepUp.ConfirmPath}, then retry.",
                Extensions = { ["reason"] = "step-up-required", ["confirmUrl"] = StepUp.ConfirmPath },
            },
        });
    }
}
