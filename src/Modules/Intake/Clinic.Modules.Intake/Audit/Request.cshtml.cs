using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Intake.Triage;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Audit;

[Authorize(Policy = AccessPolicies.AuditorPolicy)]
internal sealed class RequestModel(IIntakeStore store, TimeProvider time, Privacy.PersonalDataVault personalData) : PageModel
{
    public RequestHistory History { get; private set; } = null!;

    /// <summary>The moment asked about, and the request as it stood then (null: it did not exist yet).</summary>
    [BindProperty(SupportsGet = true)]
    public DateTimeOffset? AsOf { get; set; }

    public RequestView? StateAsOf { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (await RequestHistoryQuery.LoadAsync(session, id, cancellationToken) is not { } history)
        {
            return NotFound();
        }

        History = await RequestHistoryQuery.DiscloseAsync(history, personalData.Disclosure(), cancellationToken);
        if (AsOf is { } asOf)
        {
            StateAsOf = await RequestHistoryQuery.AsOfAsync(session, history.RequestId, asOf.ToUniversalTime(), cancellationToken);
        }

        // The history holds the visitor's details: reading it is recorded, as for staff.
        PersonalDataAccess.Record(session, history.RequestId, history.Reference, User.Identity?.Name ?? "unknown", "audit history", time.GetUtcNow());
        await session.SaveChangesAsync(cancellationToken);
        return Page();
    }
}
