using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clinic.Host.Accounts.Administration;

/// <summary>
/// Where an invitation or password-reset link leads: the person chooses a password (PasswordRules), the link is used
/// up, and they go through the ordinary sign-in, so an enrolled second factor is still asked (ASVS 6.4.3) and an
/// account that must enrol one is sent to enrolment.
/// </summary>
[EnableRateLimiting(AccountsExtensions.SignInRateLimit)]
internal sealed class SetPasswordModel(AccountAdministration administration, StaffSignInManager signIn, ISignInJournal signIns) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "token")]
    public string? Token { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public AccountLinkState State { get; private set; } = AccountLinkState.Unknown;

    public bool IsInvitation { get; private set; }

    public string UserName { get; private set; } = "";

    public string? PasswordError { get; private set; }

    public string? ConfirmError { get; private set; }

    public string Refusal => State switch
    {
        AccountLinkState.Used => "This link has been used already: each link works once.",
        AccountLinkState.Expired => "This link has expired.",
        AccountLinkState.Revoked => "This link no longer works: a newer link was sent, or the account was disabled.",
        _ => "This link is not valid. Check that you opened the whole link from the e-mail.",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var (state, link, account) = await administration.CheckLinkAsync(Token, cancellationToken);
        Show(state, link, account);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (state, link, account) = await administration.CheckLinkAsync(Token, cancellationToken);
        Show(state, link, account);
        if (State != AccountLinkState.Open)
        {
            return Page();
        }

        if (string.IsNullOrEmpty(Password))
        {
            PasswordError = "Enter a password.";
        }
        else if (Password != ConfirmPassword)
        {
            ConfirmError = "The two passwords are not the same.";
        }
        else
        {
            var (problem, after, changed) = await administration.UsePasswordLinkAsync(Token, Password, cancellationToken);
            if (problem is null && changed is not null)
            {
                await signIns.RecordAsync(new SignInAttempt(changed.Id, SignInMethods.Invitation, Succeeded: true), cancellationToken);
                var result = await signIn.PasswordSignInAsync(changed, Password, isPersistent: false, lockoutOnFailure: true);
                if (result.RequiresTwoFactor)
                {
                    return Redirect("/account/login-2fa");
                }

                return result.Succeeded ? LocalRedirect(await SignedInLanding.ForAsync(signIn, changed, null)) : Redirect(AccountsExtensions.LoginPath);
            }

            if (after != AccountLinkState.Open)
            {
                State = after;
                await signIns.RecordAsync(new SignInAttempt(account!.Id, SignInMethods.Invitation, Succeeded: false, "link-" + after.ToString().ToLowerInvariant()), cancellationToken);
                return Page();
            }

            PasswordError = problem;
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private void Show(AccountLinkState state, AccountLink? link, StaffAccount? account)
    {
        State = state;
        IsInvitation = link?.Purpose == AccountLinkPurposes.Invitation;
        UserName = account?.UserName ?? "";
        if (state != AccountLinkState.Open)
        {
            Token = null;
            Response.StatusCode = state == AccountLinkState.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status410Gone;
        }
    }
}
