using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts;

[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class LoginModel(StaffSignInManager signIn) : PageModel
{
    /// <summary>One answer for every refusal, so the page never tells whether a user name exists.</summary>
    public static readonly string Refusal = $"That user name and password do not match an account, or the account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed sign-ins (an administrator can unlock it by resetting the password).";

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
        var result = string.IsNullOrEmpty(UserName) || string.IsNullOrEmpty(Password)
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(UserName, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("LoginTwoFactor", new { ReturnUrl });
        }

        if (!result.Succeeded)
        {
            Error = Refusal;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        return LocalRedirect(await SignedInLanding.ForAsync(signIn, UserName!, Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null));
    }
}

/// <summary>Where a person lands once signed in: enrolment if they must set up a second factor, else where they were going or where their work is.</summary>
internal static class SignedInLanding
{
    public static async Task<string> ForAsync(StaffSignInManager signIn, string userName, string? returnUrl)
    {
        var account = await signIn.UserManager.FindByNameAsync(userName);
        var principal = await signIn.CreateUserPrincipalAsync(account!);
        if (principal.HasClaim(claim => claim.Type == StaffClaimsFactory.MustEnrolClaim))
        {
            return AccountsExtensions.EnrolmentPath;
        }

        return returnUrl ?? HomeOf(principal);
    }

    /// <summary>Where a role's work is: the inbox for staff and admins, the audit area for auditors, the content list for editors and reviewers.</summary>
    public static string HomeOf(System.Security.Claims.ClaimsPrincipal principal) =>
        principal.IsInRole(StaffRoles.Staff) || principal.IsInRole(StaffRoles.Admin) ? "/staff"
        : principal.IsInRole(StaffRoles.Auditor) ? "/audit"
        : principal.IsInRole(StaffRoles.Editor) || principal.IsInRole(StaffRoles.ClinicalReviewer) ? "/staff/content"
        : "/account/security";

    public static async Task<string> ForAsync(StaffSignInManager signIn, StaffAccount account, string? returnUrl) =>
        await ForAsync(signIn, account.UserName, returnUrl);
}
