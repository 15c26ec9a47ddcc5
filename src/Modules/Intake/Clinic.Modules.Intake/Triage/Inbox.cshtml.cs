using Clinic.Modules.Intake.ReadModels;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.Triage;

/// <summary>The staff's work list: urgent first, then newest, filtered by status and condition; updates live.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class InboxModel(TriageService triage, IIntakeStore store) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public RequestStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Condition { get; set; }

    public IReadOnlyList<InboxEntry> Requests { get; private set; } = [];

    public int SpamCount { get; private set; }

    public ConditionOptions.ConditionChoices Conditions { get; private set; } = new();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Requests = await triage.InboxAsync(Status, Condition, spam: false, cancellationToken);
        SpamCount = await triage.CountSpamAsync(cancellationToken);
        Conditions = await ConditionOptions.ConditionChoices.LoadAsync(store, cancellationToken);
    }
}
