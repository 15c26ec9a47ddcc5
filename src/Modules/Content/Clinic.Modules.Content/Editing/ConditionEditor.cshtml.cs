using System.Text.Json;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// Editors write a condition's page (new at /staff/content/new/condition, existing at /staff/content/edit/condition/{slug})
/// and save it as a draft. A mistake is shown on its field; a change someone saved meanwhile is shown beside the
/// editor's own text, which stays in the form, and nothing is saved.
/// </summary>
[Authorize(Policy = AccessPolicies.EditorPolicy)]
internal sealed class ConditionEditorModel(ContentEditing editing) : PageModel
{
    [BindProperty]
    public ConditionForm Form { get; set; } = new();

    /// <summary>The slug being edited; null on the new-condition page.</summary>
    public string? Slug { get; private set; }

    public bool IsNew => Slug is null;

    /// <summary>Why nothing was saved, when it is not one field's fault (a conflict, or the site refusing the whole).</summary>
    public string? Problem { get; private set; }

    /// <summary>The version someone else saved meanwhile, shown beside the editor's own.</summary>
    public ConditionForm? Theirs { get; private set; }

    public string? TheirsBy { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromRoute] string? slug, CancellationToken cancellationToken)
    {
        Slug = slug;
        if (slug is null)
        {
            return Page();
        }

        if (await EditorItems.LoadAsync(editing, ContentItems.ConditionKey(slug), ContentKinds.Condition, cancellationToken) is not { } item)
        {
            return NotFound();
        }

        Form = ConditionForm.From(JsonSerializer.Deserialize<ConditionFile>(item.DraftBody, ContentLibrary.JsonOptions)!, item.Version);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromRoute] string? slug, CancellationToken cancellationToken)
    {
        Slug = slug;
        var errors = new FormErrors();
        ContentItemState? current = null;
        if (slug is not null)
        {
            current = await EditorItems.LoadAsync(editing, ContentItems.ConditionKey(slug), ContentKinds.Condition, cancellationToken);
            if (current is null)
            {
                return NotFound();
            }
        }
        else if (Form.NewSlug(errors) is { } wanted && !errors.Any(e => e.Field == "Form.Slug")
            && await EditorItems.ExistsAsync(editing, ContentItems.ConditionKey(wanted), cancellationToken))
        {
            errors.Add("Form.Slug", $"There is already a condition called “{wanted}”: choose another address name, or edit that one.");
        }

        var key = ContentItems.ConditionKey(slug ?? Form.Slug?.Trim() ?? "");
        var file = Form.ToFile(slug ?? Form.Slug?.Trim() ?? "", errors);
        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError(field, message);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var result = await editing.HandleAsync(key, new SaveDraft(ContentKinds.Condition, ContentItems.Serialize(file)), Form.Version, User.Identity!.Name!, cancellationToken);
        switch (result.Outcome)
        {
            case EditOutcome.Done:
                return Redirect($"/staff/content/items/{key}");
            case EditOutcome.Conflict when await EditorItems.LoadAsync(editing, key, ContentKinds.Condition, cancellationToken) is { } theirs:
                Problem = result.Message;
                Theirs = ConditionForm.From(JsonSerializer.Deserialize<ConditionFile>(theirs.DraftBody, ContentLibrary.JsonOptions)!, theirs.Version);
                TheirsBy = theirs.LastChangedBy;
                // Saving again now is a deliberate choice over their version, which the editor has in front of them.
                ModelState.Remove("Form.Version");
                Form.Version = theirs.Version;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                Problem = result.Message;
                Response.StatusCode = result.Outcome == EditOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                return Page();
        }
    }
}

/// <summary>Where the editors' pages read an item's current draft.</summary>
internal static class EditorItems
{
    /// <summary>The item's state (its draft body and version), or null when there is no such item of this kind.</summary>
    public static async Task<ContentItemState?> LoadAsync(ContentEditing editing, string key, string kind, CancellationToken cancellationToken) =>
        ContentItemState.From(await editing.HistoryAsync(key, cancellationToken)) is { } item && item.Kind == kind ? item : null;

    public static async Task<bool> ExistsAsync(ContentEditing editing, string key, CancellationToken cancellationToken) =>
        (await editing.HistoryAsync(key, cancellationToken)).Count > 0;
}
