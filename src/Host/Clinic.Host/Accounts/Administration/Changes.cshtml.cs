using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts.Administration;

/// <summary>The record of account changes, newest first, a page at a time, for all accounts or one.</summary>
[Authorize(Policy = AccessPolicies.Admin)]
internal sealed class ChangesModel(AccountAdministration administration) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "account")]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AccountChange> Changes { get; private set; } = [];

    public bool HasNext { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Account = string.IsNullOrWhiteSpace(Account) ? null : Account.Trim();
        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        var changes = await administration.ChangesAsync(Account, (PageNumber - 1) * PageSize, PageSize + 1, cancellationToken);
        HasNext = changes.Count > PageSize;
        Changes = [.. changes.Take(PageSize)];
    }
}
