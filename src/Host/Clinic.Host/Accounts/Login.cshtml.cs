using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts;

[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class LoginModel(AccountStore accounts, IAuthorizationService authorization) : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (_, principal) = string.IsNullOrEmpty(UserName) || string.IsNullOrEmpty(Password)
            ? (SignInOutcome.Refused, null)
            : await accounts.SignInAsync(UserName, Password, CookieAuthenticationDefaults.AuthenticationScheme, HttpContext.RequestAborted);
        if (principal is null)
        {
            // One answer for every refusal, so the page never tells whether a user name exists.
            Error = $"That user name and password do not match an account, or the account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed sign-ins (an administrator can unlock it by resetting the password).";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        // Without a page to return to, each person starts where their work is.
        var home = (await authorization.AuthorizeAsync(principal, AccessPolicies.Staff)).Succeeded ? "/staff" : "/audit";
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : home);
    }
}
