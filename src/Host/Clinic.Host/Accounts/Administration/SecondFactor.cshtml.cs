using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts.Administration;

/// <summary>
/// Who must sign in with a second factor: everyone, some roles, or no one. A sensitive action (it can weaken every
/// account's sign-in), so its policy asks for a recent second factor.
/// </summary>
[Authorize(Policy = AccessPolicies.AdminSensitive)]
internal sealed class SecondFactorModel(SecondFactorPolicy policy) : PageModel
{
    public const string Everyone = "everyone";
    public const string SomeRoles = "roles";
    public const string NoOne = "none";

    [BindProperty]
    public string? Rule { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    public SecondFactorRule? Stored { get; private set; }

    public string Configured => SecondFactorPolicy.Describe(policy.Configured);

    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        await LoadAsync(cancellationToken);
        var current = await policy.CurrentAsync(cancellationToken);
        Rule = current.Everyone ? Everyone : current.Roles.Count > 0 ? SomeRoles : NoOne;
        Roles = [.. current.Roles];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        switch (Rule)
        {
            case Everyone:
                await policy.SetAsync(AccountPages.Actor(User), everyone: true, [], cancellationToken);
                break;
            case NoOne:
                await policy.SetAsync(AccountPages.Actor(User), everyone: false, [], cancellationToken);
                break;
            case SomeRoles when Roles.Count > 0 && Roles.All(StaffRoles.All.Contains):
                await policy.SetAsync(AccountPages.Actor(User), everyone: false, Roles, cancellationToken);
                break;
            case SomeRoles:
                ModelState.AddModelError(nameof(Roles), "Choose at least one role that must use a second factor.");
                break;
            default:
                ModelState.AddModelError(nameof(Rule), "Choose who must use a second factor.");
                break;
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return RedirectToPage(new { saved = true });
    }

    public async Task<IActionResult> OnPostConfiguredAsync(CancellationToken cancellationToken)
    {
        await policy.UseConfigurationAsync(AccountPages.Actor(User), cancellationToken);
        return RedirectToPage(new { saved = true });
    }

    private async Task LoadAsync(CancellationToken cancellationToken) => Stored = await policy.ReadRuleAsync(cancellationToken);
}
