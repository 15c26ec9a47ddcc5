using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts;

/// <summary>
/// Signing in with a passkey: on its own from the login page, or instead of the code after a password
/// (<see cref="SecondStep"/>). The browser asks for the options, lets the person use their passkey, and posts the answer here.
/// </summary>
[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class LoginPasskeyModel(StaffSignInManager signIn) : PageModel
{
    public static readonly string Refusal = $"That passkey did not sign you in: it is not registered to an account here, or it was cancelled or took too long, or the account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed attempts.";

    [BindProperty]
    public string? CredentialJson { get; set; }

    /// <summary>Set by the second-step page: only the passkeys of the account whose password was given count.</summary>
    [BindProperty(SupportsGet = true)]
    public bool SecondStep { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostOptionsAsync()
    {
        StaffAccount? account = null;
        if (SecondStep && (account = await signIn.GetTwoFactorAuthenticationUserAsync()) is null)
        {
            return Unauthorized();
        }

        return Content(await signIn.PasskeyRequestOptionsAsync(account), "application/json");
    }

    public async Task<IActionResult> OnPostAsync()
    {
        StaffAccount? expected = null;
        if (SecondStep && (expected = await signIn.GetTwoFactorAuthenticationUserAsync()) is null)
        {
            // The five minutes after the password have passed: start again.
            return RedirectToPage("Login");
        }

        var (result, account) = await signIn.PasskeySignInAsync(CredentialJson ?? "", expected);
        if (!result.Succeeded || account is null)
        {
            Error = Refusal;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        return LocalRedirect(await SignedInLanding.ForAsync(signIn, account, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null));
    }
}
