using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts;

/// <summary>The second step of signing in: a code from the authenticator app. Wrong codes count towards lockout.</summary>
[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class LoginTwoFactorModel(StaffSignInManager signIn) : PageModel
{
    public static readonly string Refusal = $"That code is not right, or it has expired, or the account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed attempts. Use the newest code your app shows.";

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    /// <summary>Whether the account whose password was given has a passkey (then the page offers it).</summary>
    public bool HasPasskey { get; private set; }

    public async Task OnGetAsync() => HasPasskey = (await signIn.GetTwoFactorAuthenticationUserAsync())?.Passkeys.Count > 0;

    public async Task<IActionResult> OnPostAsync()
    {
        var account = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (account is null)
        {
            // The five minutes between password and code have passed, or the password step never happened.
            return RedirectToPage("Login");
        }

        var code = new string([.. (Code ?? "").Where(char.IsAsciiDigit)]);
        HasPasskey = account.Passkeys.Count > 0;
        // An account with only a passkey has no confirmed authenticator: a code cannot stand in for it.
        var result = code.Length == 0 || !account.TwoFactorEnabled ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (!result.Succeeded)
        {
            Error = Refusal;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        return LocalRedirect(await SignedInLanding.ForAsync(signIn, account, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null));
    }
}
