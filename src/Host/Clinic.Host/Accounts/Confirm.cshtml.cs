using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts;

/// <summary>
/// Step-up: the second factor again before a sensitive action (<see cref="StepUp"/>). An account with an
/// authenticator gives a code (each code once; wrong ones count towards lockout, and the page is rate-limited like
/// sign-in); one with only passkeys uses a passkey; one that signs in through the identity provider signs in there
/// again; only an account with no second factor at all gives its password. Then back to where it was going.
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class ConfirmModel(StaffSignInManager signIn, ISignInJournal journal, Microsoft.Extensions.Options.IOptions<SingleSignOnOptions> singleSignOn) : PageModel
{
    public static readonly string Refusal = $"That is not right, or the account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed attempts.";

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool UsesAuthenticator => Way == ConfirmWay.Authenticator;

    public ConfirmWay Way { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        Way = await WayForAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var users = signIn.UserManager;
        var account = await users.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        Way = await WayForAsync(account);
        if (Way is not (ConfirmWay.Authenticator or ConfirmWay.Password))
        {
            // Passkeys and the identity provider confirm through their own sign-in; this form takes codes and passwords only.
            Error = Refusal;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var method = UsesAuthenticator ? StepUp.ConfirmMethods.Authenticator : StepUp.ConfirmMethods.Password;
        string? failure;
        if (await users.IsLockedOutAsync(account))
        {
            failure = "locked-out";
        }
        else if (UsesAuthenticator)
        {
            var code = new string([.. (Code ?? "").Where(char.IsAsciiDigit)]);
            if (code.Length > 0 && await users.VerifyTwoFactorTokenAsync(account, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.ResetAccessFailedCountAsync(account);
                failure = null;
            }
            else
            {
                await users.AccessFailedAsync(account);
                failure = await users.IsLockedOutAsync(account) ? "locked-out" : "wrong-code";
            }
        }
        else
        {
            var result = string.IsNullOrEmpty(Password) ? Microsoft.AspNetCore.Identity.SignInResult.Failed
                : await signIn.CheckPasswordSignInAsync(account, Password, lockoutOnFailure: true);
            failure = result.Succeeded ? null : result.IsLockedOut ? "locked-out" : "wrong-password";
        }

        await journal.RecordAsync(new SignInAttempt(account.Id, method, failure is null, failure), HttpContext.RequestAborted);
        if (failure is not null)
        {
            Error = Refusal;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await signIn.RefreshWithStepUpAsync(account);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/account/security");
    }

    /// <summary>
    /// The strongest way the account has: its authenticator, else a passkey, else its identity provider, else (no second
    /// factor at all) its password, unless local passwords are switched off for it.
    /// </summary>
    private async Task<ConfirmWay> WayForAsync(StaffAccount account) =>
        WayFor(account, await signIn.UserManager.HasPasswordAsync(account), singleSignOn.Value);

    public static ConfirmWay WayFor(StaffAccount account, bool hasPassword, SingleSignOnOptions sso)
    {
        if (account.TwoFactorEnabled)
        {
            return ConfirmWay.Authenticator;
        }

        if (account.Passkeys.Count > 0)
        {
            return ConfirmWay.Passkey;
        }

        if (sso.Enabled && account.Logins.Count > 0)
        {
            return ConfirmWay.SingleSignOn;
        }

        return hasPassword && !sso.RefusesLocalSignIn(account.UserName) ? ConfirmWay.Password : ConfirmWay.None;
    }
}

internal enum ConfirmWay
{
    None,
    Authenticator,
    Passkey,
    SingleSignOn,
    Password,
}
