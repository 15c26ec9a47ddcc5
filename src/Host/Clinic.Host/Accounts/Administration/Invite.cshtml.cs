using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts.Administration;

/// <summary>An admin invites a person: the account is made without a password, and the person chooses one through an e-mailed link.</summary>
[Authorize(Policy = AccessPolicies.AdminSensitive)]
internal sealed class InviteModel(AccountAdministration administration, IOptions<AccountAdministrationOptions> options) : PageModel
{
    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    public string LifetimeText => AccountPages.Describe(options.Value.InvitationLifetime);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await administration.InviteAsync(AccountPages.Actor(User), UserName, Email, Roles, cancellationToken);
        if (!outcome.Succeeded)
        {
            ModelState.AddModelError(outcome.Field ?? "UserName", outcome.Error!);
            Response.StatusCode = outcome.Error!.Contains("already exists", StringComparison.Ordinal) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return Page();
        }

        return Redirect(AccountPages.AccountUrl(UserName!, outcome.Warning is null ? "invited" : "mail-not-queued"));
    }
}

/// <summary>What the account pages share: who is acting, and the account page's address.</summary>
internal static class AccountPages
{
    public static string Actor(System.Security.Claims.ClaimsPrincipal user) => StaffAccount.IdFor(user.Identity?.Name ?? "");

    public static string AccountUrl(string accountId, string? done = null) =>
        $"/staff/accounts/account?name={Uri.EscapeDataString(StaffAccount.IdFor(accountId))}" + (done is null ? "" : $"&done={done}");

    public static string Describe(TimeSpan lifetime) =>
        lifetime.TotalHours >= 1 ? $"{lifetime.TotalHours:0.#} hours" : $"{lifetime.TotalMinutes:0} minutes";
}
