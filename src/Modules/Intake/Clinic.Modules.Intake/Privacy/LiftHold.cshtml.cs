using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Lifting a legal hold exposes the request to erasure again, so it is an admin's act with a recent second factor, as
/// approving an erasure is; placing a hold only protects, and stays with staff (<see cref="HoldsModel"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.AdminSensitivePolicy)]
internal sealed class LiftHoldModel(PrivacyRequests requests) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Reference { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = string.IsNullOrWhiteSpace(Reference)
            ? PrivacyOutcome.Refused("Give the request's reference.")
            : await requests.LiftHoldAsync(Reference, Reason ?? "", User.Identity?.Name ?? "unknown", cancellationToken);
        if (outcome.Succeeded)
        {
            return RedirectToPage("Holds", new { done = "lifted" });
        }

        Problem = outcome.Problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
