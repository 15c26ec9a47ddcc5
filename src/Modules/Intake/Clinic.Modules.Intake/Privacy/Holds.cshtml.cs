using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>Legal holds: staff place one on a request (with a reason) to keep it from erasure; admins lift them (<see cref="LiftHoldModel"/>).</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class HoldsModel(PrivacyRequests requests, IAuthorizationService authorization) : PageModel
{
    [BindProperty]
    public string? Reference { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public IReadOnlyList<PrivacyStatus> Held { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    /// <summary>Admins see a link to lift each hold (the lifting page asks for a fresh second factor itself).</summary>
    public bool MayLift { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        MayLift = (await authorization.AuthorizeAsync(User, AccessPolicies.AdminPolicy)).Succeeded;
        await next();
    }

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done switch { "placed" => "Legal hold placed.", "lifted" => "Legal hold lifted.", _ => null };
        Held = await requests.HeldAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostPlaceAsync(CancellationToken cancellationToken)
    {
        var outcome = string.IsNullOrWhiteSpace(Reference)
            ? PrivacyOutcome.Refused("Give the request's reference.")
            : await requests.PlaceHoldAsync(Reference, Reason ?? "", User.Identity?.Name ?? "unknown", cancellationToken);
        if (outcome.Succeeded)
        {
            return RedirectToPage(new { done = "placed" });
        }

        Problem = outcome.Problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Held = await requests.HeldAsync(cancellationToken);
        return Page();
    }
}
