using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.ScheduleCall;

internal sealed class ConfirmationModel(IIntakeStore store, ClinicTime clinicTime) : PageModel
{
    public string Reference { get; private set; } = "";

    public bool IsUrgent { get; private set; }

    /// <summary>"Tuesday 1 December, 10:00 a.m." in the clinic's time, from the stored deadline; null when none was set.</summary>
    public string? CallBy { get; private set; }

    public string ZoneName => clinicTime.ZoneName;

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
        CallBy = request.FirstContactBy is { } due ? clinicTime.FormatWithoutZone(due) : null;
        return Page();
    }
}
