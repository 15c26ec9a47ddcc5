using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

/// <summary>
/// Single sign-on: POST /account/sso sends the person to the identity provider (antiforgery-checked, so no other site
/// can start it); GET /account/sso/callback finishes it (<see cref="SingleSignOnSignIn"/>); any refusal is this page.
/// </summary>
[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class SingleSignOnModel(StaffSignInManager signIn, IOptions<SingleSignOnOptions> options, SingleSignOnSignIn completion) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Step-up through the provider (/account/confirm): it must ask the person again, whatever its own session.</summary>
    [BindProperty]
    public bool Reauthenticate { get; set; }

    public const string ReauthenticateItem = "clinic:reauthenticate";

    public string Message { get; private set; } = SingleSignOnRefusal.NotCompleted.Message;

    /// <summary>Nothing to show without a sign-in under way.</summary>
    public IActionResult OnGet() => NotFound();

    public IActionResult OnPost()
    {
        if (!options.Value.Enabled)
        {
            return NotFound();
        }

        var callback = Url.Page("SingleSignOn", "callback", new { ReturnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null });
        var properties = signIn.ConfigureExternalAuthenticationProperties(SingleSignOnExtensions.Scheme, callback);
        if (Reauthenticate)
        {
            properties.Items[ReauthenticateItem] = "true";
        }

        return Challenge(properties, SingleSignOnExtensions.Scheme);
    }

    public async Task<IActionResult> OnGetCallbackAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return NotFound();
        }

        var outcome = await completion.CompleteAsync(cancellationToken);
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
        if (outcome.Refusal is { } refusal)
        {
            Message = refusal.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        if (outcome.SecondFactorNeeded)
        {
            return RedirectToPage("LoginTwoFactor", new { ReturnUrl = returnUrl });
        }

        // Signed in; enrolment first if the account must set up its own second factor (unless the provider did one).
        var principal = await signIn.CreateUserPrincipalAsync(outcome.Account!);
        if (!outcome.ProviderDidSecondFactor && principal.HasClaim(claim => claim.Type == StaffClaimsFactory.MustEnrolClaim))
        {
            return LocalRedirect(AccountsExtensions.EnrolmentPath);
        }

        return LocalRedirect(returnUrl ?? SignedInLanding.HomeOf(principal));
    }

    /// <summary>The handler's own failures (refused or broken at the provider) land here.</summary>
    public async Task<IActionResult> OnGetFailedAsync(CancellationToken cancellationToken)
    {
        await HttpContext.RequestServices.GetRequiredService<ISignInJournal>()
            .RecordAsync(new SignInAttempt(null, SignInMethods.SingleSignOn, false, "provider-error"), cancellationToken);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
