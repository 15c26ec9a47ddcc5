using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts;

/// <summary>
/// One's own sign-ins of the last 30 days and active sessions, with "end" per session and "end all other
/// sessions". Reachable by every signed-in account, even one that must still enrol (it may want to end a session).
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class SecurityModel(StaffSignInManager signIn, SessionStore sessions, IAccountsStore store, TimeProvider time) : PageModel
{
    public static readonly TimeSpan RecentPeriod = TimeSpan.FromDays(30);

    public IReadOnlyList<SignInRecord> SignIns { get; private set; } = [];

    public IReadOnlyList<SignInSession> Sessions { get; private set; } = [];

    public Guid? ThisSession { get; private set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        await LoadAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostEndAsync(Guid session)
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        await sessions.EndAsync(account.Id, session, HttpContext.RequestAborted);
        if (session == SessionStore.IdOf(User))
        {
            return Redirect(AccountsExtensions.LoginPath);
        }

        Message = "The session has ended: its next request will be asked to sign in.";
        await LoadAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostEndOthersAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        await sessions.EndAllAsync(account.Id, except: SessionStore.IdOf(User), HttpContext.RequestAborted);
        Message = "All your other sessions have ended.";
        await LoadAsync(account);
        return Page();
    }

    private async Task LoadAsync(StaffAccount account)
    {
        ThisSession = SessionStore.IdOf(User);
        SignIns = await StoredSignInJournal.RecentAsync(store, account.Id, time.GetUtcNow() - RecentPeriod, HttpContext.RequestAborted);
        Sessions = await sessions.ActiveAsync(account, HttpContext.RequestAborted);
    }

    public static string Describe(SignInRecord record) => (record.Method, record.Succeeded) switch
    {
        (SignInMethods.Password, true) => "Password accepted",
        (StepUp.ConfirmMethods.Authenticator, true) => "Confirmed with authenticator code",
        (StepUp.ConfirmMethods.Password, true) => "Confirmed with password",
        (_, true) => $"Signed in ({MethodName(record.Method)})",
        _ => $"Refused ({MethodName(record.Method)}): {record.Failure?.Replace('-', ' ')}",
    };

    public static string MethodName(string method) => method switch
    {
        SignInMethods.Password => "password",
        SignInMethods.Authenticator or StepUp.ConfirmMethods.Authenticator => "authenticator code",
        SignInMethods.RecoveryCode => "recovery code",
        SignInMethods.Passkey => "passkey",
        SignInMethods.SingleSignOn => "single sign-on",
        SignInMethods.Invitation => "invitation",
        StepUp.ConfirmMethods.Password => "password confirmation",
        _ => method,
    };
}
