using JasperFx.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// One item: who changed what and when, and the workflow's actions. Submitting is an editor's; approving,
/// publishing, unpublishing and rolling back a clinical reviewer's. A refusal answers 422 and a change made
/// meanwhile 409, each with the reason, and nothing is saved.
/// </summary>
[Authorize(Policy = AccessPolicies.EditorOrReviewerPolicy)]
internal sealed class ContentItemModel(ContentEditing editing, IAuthorizationService authorization) : PageModel
{
    public ContentItemView Item { get; private set; } = null!;

    public IReadOnlyList<IEvent> History { get; private set; } = [];

    public string? Problem { get; private set; }

    /// <summary>Set when the action met someone else's change: who, their version, and what changed since.</summary>
    public ContentConflict? Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(string key, CancellationToken cancellationToken) =>
        await LoadAsync(key, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string key, string? step, int? rollBackTo, long version, CancellationToken cancellationToken)
    {
        (EditCommand? command, string policy) = (rollBackTo, step) switch
        {
            ({ } to, _) => (new RollBack(to), AccessPolicies.ClinicalReviewerPolicy),
            (_, "submit") => (new SubmitForReview(), AccessPolicies.EditorPolicy),
            (_, "approve") => (new Approve(), AccessPolicies.ClinicalReviewerPolicy),
            (_, "publish") => (new Publish(), AccessPolicies.ClinicalReviewerPolicy),
            (_, "unpublish") => (new Unpublish(), AccessPolicies.ClinicalReviewerPolicy),
            _ => ((EditCommand?)null, AccessPolicies.EditorOrReviewerPolicy),
        };
        if (command is null)
        {
            return BadRequest();
        }

        if (!(await authorization.AuthorizeAsync(User, policy)).Succeeded)
        {
            return Forbid();
        }

        var result = await editing.HandleAsync(key, command, version, User.Identity!.Name!, cancellationToken);
        if (result.Outcome == EditOutcome.Done)
        {
            return RedirectToPage(new { key });
        }

        if (!await LoadAsync(key, cancellationToken))
        {
            return NotFound();
        }

        Problem = result.Message;
        Conflict = result.Outcome == EditOutcome.Conflict ? new ContentConflict(key, version, Item, result.Message ?? "") : null;
        Response.StatusCode = result.Outcome == EditOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(string key, CancellationToken cancellationToken)
    {
        History = await editing.HistoryAsync(key, cancellationToken);
        var item = (await editing.ListAsync(cancellationToken)).SingleOrDefault(i => i.Id == key);
        if (item is null)
        {
            return false;
        }

        Item = item;
        return true;
    }

    public static string Describe(object fact) => fact switch
    {
        ContentDraftSaved => "Saved a draft",
        ContentSubmittedForReview => "Submitted it for review",
        ContentApproved => "Approved it",
        ContentPublished e => $"Published version {e.Version}",
        ContentUnpublished => "Unpublished it",
        ContentRolledBack e => $"Rolled back to version {e.ToVersion}",
        ContentPublishScheduled e => $"Scheduled the publication for {e.PublishAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC",
        ContentScheduleCancelled => "Cancelled the scheduled publication",
        _ => fact.GetType().Name,
    };
}
