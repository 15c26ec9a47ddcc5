using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts;

/// <summary>
/// A person's own passkeys: the list, adding one (the browser makes it, Identity verifies it), and removing one.
/// Reachable by an account that must still set up a second factor: a passkey is one (<see cref="AccessPolicies.SignedIn"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class PasskeysModel(StaffSignInManager signIn, IAccountChangeJournal changes, TimeProvider time, IConfiguration configuration) : PageModel
{
    public const int MaxNameLength = 60;

    [BindProperty]
    [Display(Name = "Name for the new passkey")]
    public string? Name { get; set; }

    [BindProperty]
    public string? CredentialJson { get; set; }

    [BindProperty]
    public string? CredentialId { get; set; }

    public IReadOnlyList<StoredPasskey> Passkeys { get; private set; } = [];

    public bool MustEnrol { get; private set; }

    [TempData]
    public string? Status { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        Load(account);
        return Page();
    }

    public async Task<IActionResult> OnPostOptionsAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        return account is null ? Unauthorized() : Content(await signIn.PasskeyCreationOptionsAsync(account), "application/json");
    }

    public async Task<IActionResult> OnPostAddAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        if (!StepUpRecency.MayAddSignInMethod(account, User, time, configuration))
        {
            // Another sign-in method for an account that has a second factor: that factor again first, so a taken session cannot add its own.
            return Redirect(StepUp.ConfirmUrl("/account/passkeys"));
        }

        var name = PasskeyNames.Clean(Name);
        if (name is null)
        {
            return Refuse(account, StatusCodes.Status400BadRequest, $"Give the passkey a name of up to {MaxNameLength} characters, so you can tell it apart later (for example \"Work laptop\").");
        }

        if (!await signIn.AddPasskeyAsync(account, CredentialJson ?? "", name))
        {
            return Refuse(account, StatusCodes.Status400BadRequest, "The passkey was not added: it was cancelled, took longer than five minutes, or your device's answer could not be verified. Please try again.");
        }

        await changes.RecordAsync(new AccountChangeEntry(account.Id, account.Id, "passkey-added", name), HttpContext.RequestAborted);
        // A first second factor ends the enrolment requirement: a fresh session cookie without it.
        await signIn.RefreshSignInAsync(account);
        Status = $"Passkey \"{name}\" added. You can now sign in with it.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        var passkey = account.Passkeys.FirstOrDefault(stored => stored.CredentialId == CredentialId);
        if (passkey is null || StoredPasskey.CredentialIdOf(passkey.CredentialId) is not { } credentialId)
        {
            return Refuse(account, StatusCodes.Status404NotFound, "That passkey is not registered to your account (it may have been removed already).");
        }

        // Identity's RemovePasskeyAsync keeps the security stamp: renewed here, so sessions that may have used the passkey end.
        if (!(await signIn.UserManager.RemovePasskeyAsync(account, credentialId)).Succeeded
            || !(await signIn.UserManager.UpdateSecurityStampAsync(account)).Succeeded)
        {
            return Refuse(account, StatusCodes.Status409Conflict, "The passkey could not be removed. Please try again.");
        }

        await changes.RecordAsync(new AccountChangeEntry(account.Id, account.Id, "passkey-removed", passkey.Name), HttpContext.RequestAborted);
        await signIn.RefreshSignInAsync(account);
        Status = $"Passkey \"{passkey.Name}\" removed. It no longer signs you in.";
        return RedirectToPage();
    }

    private PageResult Refuse(StaffAccount account, int status, string error)
    {
        Error = error;
        Response.StatusCode = status;
        Load(account);
        return Page();
    }

    private void Load(StaffAccount account)
    {
        Passkeys = [.. account.Passkeys.OrderBy(passkey => passkey.CreatedAt)];
        MustEnrol = User.HasClaim(claim => claim.Type == StaffClaimsFactory.MustEnrolClaim);
    }
}

/// <summary>The name a person gives a passkey: trimmed, not empty, not too long; stored as typed and encoded when shown.</summary>
internal static class PasskeyNames
{
    public static string? Clean(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        return trimmed.Length is 0 or > PasskeysModel.MaxNameLength || trimmed.Any(char.IsControl) ? null : trimmed;
    }
}
