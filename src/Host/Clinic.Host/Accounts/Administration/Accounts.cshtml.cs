using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts.Administration;

/// <summary>Every account with its roles, its state and whether it has a second factor.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
internal sealed class AccountsModel(AccountAdministration administration) : PageModel
{
    public IReadOnlyList<AccountSummary> Accounts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Accounts = await administration.ListAsync(cancellationToken);
}
