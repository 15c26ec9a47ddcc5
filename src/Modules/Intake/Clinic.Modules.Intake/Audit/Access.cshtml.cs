using Clinic.Modules.Intake.Triage;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Audit;

/// <summary>Who looked at which request's personal data, and when: newest first.</summary>
[Authorize(Policy = AccessPolicies.AuditorPolicy)]
internal sealed class AccessModel(IIntakeStore store) : PageModel
{
    public IReadOnlyList<PersonalDataAccess> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        Entries = await session.Query<PersonalDataAccess>().OrderByDescending(a => a.ViewedAt).Take(500).ToListAsync(cancellationToken);
    }
}
