using Clinic.Modules.Intake.ReadModels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Triage;

/// <summary>Suspected spam, kept for a person to review; "Not spam" is on each request's page.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class SpamModel(TriageService triage) : PageModel
{
    public IReadOnlyList<InboxEntry> Requests { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Requests = await triage.InboxAsync(null, null, spam: true, cancellationToken);
}
