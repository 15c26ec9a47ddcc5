using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts.Administration;

/// <summary>
/// One account: its state (any admin), and the admin's actions on it (each a POST with antiforgery, recorded as a
/// change, and only with a recent second factor).
/// </summary>
[Authorize(Policy = AccessPolicies.Admin)]
internal sealed class AccountModel(AccountAdministration administration) : PageModel
{
    private static readonly Dictionary<string, string> DoneMessages = new()
    {
        ["invited"] = "The invitation is sent.",
        ["mail-not-queued"] = "The account is saved, but the e-mail could not be queued. Send a new link in a moment.",
        ["disabled"] = "The account is disabled; its sessions end at their next request.",
        ["enabled"] = "The account is enabled again.",
        ["link-sent"] = "A new link is on its way by e-mail; any earlier link no longer works.",
        ["second-factor-reset"] = "The second factor is removed; the person sets it up again at their next sign-in.",
        ["signed-out"] = "Every session of this account ends at its next request.",
        ["roles-changed"] = "The roles are changed; the person's sessions take them at their next request.",
    };

    [BindProperty(SupportsGet = true, Name = "name")]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true, Name = "done")]
    public string? DoneKey { get; set; }

    public AccountSummary? Summary { get; private set; }

    public string? Done => DoneKey is not null && DoneMessages.TryGetValue(DoneKey, out var message) ? message : null;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await ShowAsync(cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) =>
        ActAsync(() => administration.SetDisabledAsync(AccountPages.Actor(User), Name ?? "", disabled: true, cancellationToken), "disabled", cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) =>
        ActAsync(() => administration.SetDisabledAsync(AccountPages.Actor(User), Name ?? "", disabled: false, cancellationToken), "enabled", cancellationToken);

    public Task<IActionResult> OnPostPasswordLinkAsync(CancellationToken cancellationToken) =>
        ActAsync(() => administration.SendPasswordLinkAsync(AccountPages.Actor(User), Name ?? "", cancellationToken), "link-sent", cancellationToken);

    public Task<IActionResult> OnPostResetSecondFactorAsync(CancellationToken cancellationToken) =>
        ActAsync(() => administration.ResetSecondFactorAsync(AccountPages.Actor(User), Name ?? "", cancellationToken), "second-factor-reset", cancellationToken);

    public Task<IActionResult> OnPostSignOutAsync(CancellationToken cancellationToken) =>
        ActAsync(() => administration.SignOutEverywhereAsync(AccountPages.Actor(User), Name ?? "", cancellationToken), "signed-out", cancellationToken);

    private async Task<IActionResult> ActAsync(Func<Task<AdminOutcome>> action, string done, CancellationToken cancellationToken)
    {
        // Each action can hand an account to someone or take it from its owner: a recent second factor first (step-up).
        var authorization = HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
        if (!(await authorization.AuthorizeAsync(User, AccessPolicies.AdminSensitive)).Succeeded)
        {
            return Redirect(StepUp.ConfirmUrl(AccountPages.AccountUrl(Name ?? "")));
        }

        var outcome = await action();
        if (outcome.Succeeded)
        {
            return Redirect(AccountPages.AccountUrl(Name!, outcome.Warning is null ? done : "mail-not-queued"));
        }

        Error = outcome.Error;
        var shown = await ShowAsync(cancellationToken);
        if (Summary is not null)
        {
            Response.StatusCode = outcome.Error!.StartsWith("Someone changed", StringComparison.Ordinal) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        }

        return shown;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        Summary = await administration.FindAsync(Name, cancellationToken);
        return Summary is null ? NotFound() : Page();
    }
}
