using Clinic.Modules.Intake.Deadlines;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>Admins edit the rotation, the overrides and the clinic lead; times are entered in clinic time.</summary>
[Authorize(Policy = AccessPolicies.AdminPolicy)]
internal sealed class EditOnCallModel(OnCallSchedules schedules, ClinicTime clinicTime) : PageModel
{
    [BindProperty]
    public OnCallForm Form { get; set; } = new();

    public ClinicTime Time => clinicTime;

    public string? Conflict { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Form = OnCallForm.From(await schedules.LoadAsync(cancellationToken), clinicTime);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // Model binding errors (a day that is not a day) are reported like the form's own.
        var (schedule, errors) = Form.ToSchedule(clinicTime);
        foreach (var (key, message) in errors)
        {
            ModelState.AddModelError(key, message);
        }

        if (!ModelState.IsValid || schedule is null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        if (!await schedules.SaveAsync(schedule, Form.Revision, User.Identity?.Name ?? "admin", cancellationToken))
        {
            Conflict = "Another admin saved the on-call schedule while you were editing it, so nothing was saved. Here it is as it stands now: make your change again.";
            ModelState.Clear();
            Form = OnCallForm.From(await schedules.LoadAsync(cancellationToken), clinicTime);
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        return Redirect("/staff/on-call?saved=true");
    }
}
