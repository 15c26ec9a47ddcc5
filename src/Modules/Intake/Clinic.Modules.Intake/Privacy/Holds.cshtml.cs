using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>Legal holds: staff place one on a request (with a reason) to keep it from erasure, and lift it.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class HoldsModel(PrivacyRequests requests) : PageModel
{
    [BindProperty]
    public string? Reference { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<PrivacyStatus> Held { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done switch { "placed" => "Legal hold placed.", "lifted" => "Legal hold lifted.", _ => null };
        Held = await requests.HeldAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostPlaceAsync(CancellationToken cancellationToken) =>
        ActAsync(requests.PlaceHoldAsync, "placed", cancellationToken);

    public Task<IActionResult> OnPostLiftAsync(CancellationToken cancellationToken) =>
        ActAsync(requests.LiftHoldAsync, "lifted", cancellationToken);

    private async Task<IActionResult> ActAsync(
        Func<string, string, string, CancellationToken, Task<PrivacyOutcome>> action, string done, CancellationToken cancellationToken)
    {
        var outcome = string.IsNullOrWhiteSpace(Reference)
            ? PrivacyOutcome.Refused("Give the request's reference.")
            : await action(Reference, Reason ?? "", User.Identity?.Name ?? "unknown", cancellationToken);
        if (outcome.Succeeded)
        {
            return RedirectToPage(new { done });
        }

        Problem = outcome.Problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Held = await requests.HeldAsync(cancellationToken);
        return Page();
    }
}
