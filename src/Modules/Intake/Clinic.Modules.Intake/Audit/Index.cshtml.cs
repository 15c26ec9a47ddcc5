using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Audit;

[Authorize(Policy = AccessPolicies.AuditorPolicy)]
internal sealed class IndexModel(IIntakeStore store) : PageModel
{
    public IReadOnlyList<AuditEntry> Latest { get; private set; } = [];

    public string? NotFoundReference { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? reference, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        if (!string.IsNullOrWhiteSpace(reference))
        {
            if (await RequestHistoryQuery.LoadAsync(session, reference.Trim(), cancellationToken) is { } history)
            {
                return Redirect($"/audit/requests/{history.RequestId}");
            }

            NotFoundReference = reference.Trim();
        }

        Latest = await session.Query<AuditEntry>()
            .OrderByDescending(r => r.SubmittedAt)
            .Take(50)
            .ToListAsync(cancellationToken);
        return Page();
    }
}
