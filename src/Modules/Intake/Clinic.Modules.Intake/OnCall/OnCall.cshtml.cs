using Clinic.Modules.Intake.Deadlines;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>Who is on call now and next, and the week's rotation: for every signed-in staff member.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class OnCallModel(OnCallSchedules schedules, ClinicTime clinicTime, TimeProvider time, IAuthorizationService authorization) : PageModel
{
    public OnCallSchedule Schedule { get; private set; } = new();

    public OnCallResolution.Shift? Now { get; private set; }

    public OnCallResolution.Next? Next { get; private set; }

    public ClinicTime Time => clinicTime;

    public DateTimeOffset At { get; private set; }

    public bool CanEdit { get; private set; }

    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        At = time.GetUtcNow();
        Schedule = await schedules.LoadAsync(cancellationToken);
        Now = OnCallResolution.OnCallAt(Schedule, At, clinicTime.Zone);
        Next = OnCallResolution.NextAfter(Schedule, At, clinicTime.Zone);
        CanEdit = (await authorization.AuthorizeAsync(User, AccessPolicies.AdminPolicy)).Succeeded;
    }
}
