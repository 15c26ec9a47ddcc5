using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts.Administration;

/// <summary>Changing an account's roles: a sensitive action, on its own page so its policy can ask for a recent second factor.</summary>
[Authorize(Policy = AccessPolicies.AdminSensitive)]
internal sealed class RolesModel(AccountAdministration administration) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "name")]
    public string? Name { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    public AccountSummary? Summary { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Summary = await administration.FindAsync(Name, cancellationToken);
        if (Summary is null)
        {
            return NotFound();
        }

        Roles = Summary.Account.Roles;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Summary = await administration.FindAsync(Name, cancellationToken);
        if (Summary is null)
        {
            return NotFound();
        }

        var outcome = await administration.ChangeRolesAsync(AccountPages.Actor(User), Summary.Account.Id, Roles, cancellationToken);
        if (outcome.Succeeded)
        {
            return Redirect(AccountPages.AccountUrl(Summary.Account.Id, "roles-changed"));
        }

        ModelState.AddModelError("Roles", outcome.Error!);
        Response.StatusCode = outcome.Error!.StartsWith("Someone changed", StringComparison.Ordinal) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }
}
