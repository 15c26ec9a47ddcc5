using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// A person's requests, found by their e-mail address or phone number: their subject-access export, and erasure on
/// their request (one admin asks, a second approves). Every action, and finding itself, needs a recent second factor.
/// The person's address and number travel only in posted forms, never in an address bar, a log line or a link.
/// </summary>
[Authorize(Policy = AccessPolicies.AdminSensitivePolicy)]
internal sealed class PrivacyModel(IPersonalData personalData, PrivacyRequests requests, SubjectAccessExport export) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public List<Guid> Selected { get; set; } = [];

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The person's requests, once searched for; null before a search.</summary>
    public IReadOnlyList<PrivacyStatus>? Found { get; private set; }

    public IReadOnlyList<PendingErasure> Pending { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? Done { get; private set; }

    public string Me => User.Identity?.Name ?? "unknown";

    public async Task OnGetAsync(string? done, CancellationToken cancellationToken)
    {
        Done = done switch
        {
            "requested" => "Erasure asked for. Another admin must approve it.",
            "approved" => "Erasure approved and carried out.",
            _ => null,
        };
        Pending = await requests.PendingAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostFindAsync(CancellationToken cancellationToken)
    {
        await FindAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRequestAsync(CancellationToken cancellationToken)
    {
        var outcome = await requests.RequestErasureAsync(Selected, Reason ?? "", Me, cancellationToken);
        if (outcome.Succeeded)
        {
            return RedirectToPage(new { done = "requested" });
        }

        Problem = outcome.Problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await FindAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid erasure, CancellationToken cancellationToken)
    {
        var outcome = await requests.ApproveAsync(erasure, Me, cancellationToken);
        if (outcome.Succeeded)
        {
            return RedirectToPage(new { done = "approved" });
        }

        Problem = outcome.Problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Pending = await requests.PendingAsync(cancellationToken);
        return Page();
    }

    /// <summary>The subject-access export: <paramref name="format"/> "json" or "html", downloaded, never kept on the server.</summary>
    public async Task<IActionResult> OnPostExportAsync(string? format, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Email) && string.IsNullOrWhiteSpace(Phone))
        {
            Problem = "Give the person's e-mail address or phone number.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Pending = await requests.PendingAsync(cancellationToken);
            return Page();
        }

        var report = await export.BuildAsync(Email, Phone, Me, cancellationToken);
        var stamp = report.ProducedAt.UtcDateTime.ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture);
        return format == "html"
            ? File(Encoding.UTF8.GetBytes(SubjectAccessExport.ToHtml(report)), "text/html; charset=utf-8", $"subject-access-{stamp}.html")
            : File(Encoding.UTF8.GetBytes(SubjectAccessExport.ToJson(report)), "application/json; charset=utf-8", $"subject-access-{stamp}.json");
    }

    private async Task FindAsync(CancellationToken cancellationToken)
    {
        Pending = await requests.PendingAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(Email) && string.IsNullOrWhiteSpace(Phone))
        {
            Problem ??= "Give the person's e-mail address or phone number.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return;
        }

        var ids = await personalData.FindRequestsAsync(Blank(Email), Blank(Phone), cancellationToken);
        Found = await requests.StatusesAsync(ids, cancellationToken);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
