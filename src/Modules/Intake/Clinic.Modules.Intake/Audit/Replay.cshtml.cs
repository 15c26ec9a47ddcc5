using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Audit;

/// <summary>Rebuild every read model from the event store, with progress (auditors and admins, with a recent second factor).</summary>
[Authorize(Policy = AccessPolicies.AuditorOrAdminSensitivePolicy)]
internal sealed class ReplayModel(ReplayJob job) : PageModel
{
    public ReplayJob Job => job;

    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        job.TryStart(User.Identity?.Name ?? "unknown");
        return RedirectToPage();
    }
}
