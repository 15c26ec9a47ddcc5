using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Triage;

/// <summary>Suspected spam, kept for a person to review, a page at a time; "Not spam" is on each request's page.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class SpamModel(TriageService triage) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public InboxPage Results { get; private set; } = new([], null, null);

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Results = await triage.InboxAsync(
            new InboxFilter(Spam: true, All: true),
            InboxCursor.TryParse(After, out var after) ? after : null,
            InboxCursor.TryParse(Before, out var before) ? before : null,
            cancellationToken);
}
