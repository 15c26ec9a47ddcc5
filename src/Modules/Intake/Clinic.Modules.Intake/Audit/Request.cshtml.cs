using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Audit;

[Authorize(Roles = RequestHistoryQuery.AuditorRole)]
internal sealed class RequestModel(IQuerySession session) : PageModel
{
    public RequestHistory History { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await RequestHistoryQuery.LoadAsync(session, id, cancellationToken) is not { } history)
        {
            return NotFound();
        }

        History = history;
        return Page();
    }
}
