using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts;

/// <summary>The second step with a recovery code instead of the app: each code works once; wrong ones count towards lockout.</summary>
[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class LoginRecoveryModel(StaffSignInManager signIn) : PageModel
{
    public static readonly string Refusal = $"That recovery code is not right or has been used already, or the account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed attempts.";

    [BindProperty]
    public string? RecoveryCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var account = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (account is null)
        {
            return RedirectToPage("Login");
        }

        var code = RecoveryCodes.Normalise(RecoveryCode ?? "");
        var result = code.Length == 0 ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (!result.Succeeded)
        {
            Error = Refusal;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        return LocalRedirect(await SignedInLanding.ForAsync(signIn, account, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null));
    }
}
