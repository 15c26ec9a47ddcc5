using Clinic.Modules.Content.Editing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Publishing;

/// <summary>
/// Saving an editor's form as a draft of its item, over the version the editor saw. Refused: 422 with the reason.
/// A change made meanwhile: 409, the other person's version shown beside the editor's own input (kept as typed),
/// and the form now names the current version, so saving again is a deliberate choice to replace theirs.
/// </summary>
internal abstract class DraftSavingModel<TBody>(ContentEditing editing) : PageModel
{
    public string? Problem { get; protected set; }

    /// <summary>The item as the other person left it, shown on a conflict.</summary>
    public TBody? Theirs { get; private set; }

    protected ContentEditing Editing => editing;

    protected async Task<IActionResult> SaveAsync(string key, string kind, TBody body, Func<long> seenVersion, Action<long> showVersion, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var result = await editing.HandleAsync(key, new SaveDraft(kind, ContentItems.Serialize(body)), seenVersion(), User.Identity!.Name!, cancellationToken);
        switch (result.Outcome)
        {
            case EditOutcome.Done:
                return Redirect($"/staff/content/items/{key}");
            case EditOutcome.Conflict:
                Problem = result.Message + " Their version is shown below, and your changes are still in the form: save again to replace theirs with yours.";
                if (await EditorDrafts.LoadAsync<TBody>(editing, key, cancellationToken) is { } current)
                {
                    Theirs = current.Body;
                    showVersion(current.Version);
                }

                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                Problem = result.Message;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
        }
    }
}
