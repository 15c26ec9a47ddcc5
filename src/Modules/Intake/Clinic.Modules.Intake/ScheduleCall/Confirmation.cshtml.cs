using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.ScheduleCall;

internal sealed class ConfirmationModel(IIntakeStore store) : PageModel
{
    public string Reference { get; private set; } = "";

    public bool IsUrgent { get; private set; }

    public async Task<IActionResult> OnGetAsync(string reference, CancellationToken cancellationToken)
    {
        var normalised = reference.ToUpperInvariant();
        await using var query = store.QuerySession();
        var request = ReferenceNumber.LooksLikeReference(normalised)
            ? await query.Query<RequestReceipt>().FirstOrDefaultAsync(r => r.Reference == normalised, cancellationToken)
            : null;
        if (request is null)
        {
            return NotFound();
        }

        Reference = request.Reference;
        IsUrgent = request.IsUrgent;
        return Page();
    }
}
