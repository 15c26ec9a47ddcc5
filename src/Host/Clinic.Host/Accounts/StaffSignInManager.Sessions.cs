using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>
/// Sessions, step-up and the sign-in journal. Every sign-in, whatever its path, ends in
/// <see cref="SignInWithClaimsAsync"/>: it starts a tracked session (<see cref="SessionStore"/>) unless the claims
/// already carry one (a refresh), and stamps the step-up claim when the sign-in itself was a second factor
/// (<see cref="StepUp"/>). The services come from the request: the class's constructor is shared by the other
/// slices' partial files.
/// </summary>
internal sealed partial class StaffSignInManager
{
    public override async Task SignInWithClaimsAsync(StaffAccount user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var claims = additionalClaims.ToList();
        if (!claims.Any(c => c.Type == SessionStore.SessionClaim))
        {
            var session = await Service<SessionStore>().StartAsync(user, Context, Context.RequestAborted);
            claims.Add(new Claim(SessionStore.SessionClaim, session.ToString()));
        }

        if (!claims.Any(c => c.Type == StepUp.ClaimType) && StepUp.IsEarnedBy(claims, user))
        {
            StepUp.Stamp(claims, Service<TimeProvider>().GetUtcNow());
        }

        await base.SignInWithClaimsAsync(user, authenticationProperties, claims);
    }

    /// <summary>A new cookie for the same session (after the account changed): the session and the step-up time carry over.</summary>
    public override async Task RefreshSignInAsync(StaffAccount user) => await RefreshAsync(user, stepUp: false);

    /// <summary>After a step-up confirmation: the same session, with the second factor stamped now.</summary>
    public Task RefreshWithStepUpAsync(StaffAccount user) => RefreshAsync(user, stepUp: true);

    public override async Task SignOutAsync()
    {
        if (SessionStore.IdOf(Context.User) is { } session && Context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } accountId)
        {
            await Service<SessionStore>().EndAsync(accountId, session, Context.RequestAborted);
        }

        await base.SignOutAsync();
    }

    private async Task RefreshAsync(StaffAccount user, bool stepUp)
    {
        var auth = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var current = auth.Principal;
        if (!auth.Succeeded || current?.FindFirstValue(ClaimTypes.NameIdentifier) != user.Id)
        {
            // As Identity's own refresh: only the signed-in account's own session is renewed, never a new one begun.
            return;
        }

        var carried = current.Claims
            .Where(c => c.Type is "amr" or ClaimTypes.AuthenticationMethod or SessionStore.SessionClaim or StepUp.ClaimType or ProviderSecondFactor.ClaimType)
            .ToList();
        if (SessionStore.IdOf(current) is { } session)
        {
            await Service<SessionStore>().RenewStampAsync(user.Id, session, user.SecurityStamp, Context.RequestAborted);
        }

        if (stepUp)
        {
            StepUp.Stamp(carried, Service<TimeProvider>().GetUtcNow());
        }

        await SignInWithClaimsAsync(user, auth.Properties, carried);
    }

    /// <summary>Logs the outcome by kind and records the attempt in the sign-in journal (network and browser added there).</summary>
    private async Task<SignInResult> RecordedAsync(string? accountId, string method, string step, SignInResult result)
    {
        var failure = result.Succeeded || result.RequiresTwoFactor ? null
            : accountId is null ? "unknown-account"
            : result.IsLockedOut ? "locked-out"
            : result.IsNotAllowed ? "not-allowed"
            : method == SignInMethods.Password ? "wrong-password"
            : "wrong-code";
        // The password step of a two-step sign-in is recorded as accepted; the second step is its own record.
        await Service<ISignInJournal>().RecordAsync(new SignInAttempt(accountId, method, failure is null, failure), Context.RequestAborted);
        return Logged(step, result);
    }

    private T Service<T>() where T : notnull => Context.RequestServices.GetRequiredService<T>();
}
