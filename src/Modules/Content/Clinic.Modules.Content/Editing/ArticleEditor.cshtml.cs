using System.Text.Json;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// Editors cite a research article (new at /staff/content/new/article, existing at /staff/content/edit/article/{id})
/// and save it as a draft: its citation, optional DOI, PubMed id and address, and the conditions it is about.
/// A mistake is shown on its field; a change someone saved meanwhile is shown beside the editor's own, which stays
/// in the form, and nothing is saved.
/// </summary>
[Authorize(Policy = AccessPolicies.EditorPolicy)]
internal sealed class ArticleEditorModel(ContentEditing editing, PublishedContent published) : PageModel
{
    public const int MaxIdLength = 80;

    [BindProperty]
    public ArticleForm Form { get; set; } = new();

    /// <summary>The article being edited; null on the new-article page.</summary>
    public string? Id { get; private set; }

    public bool IsNew => Id is null;

    /// <summary>The conditions an article can be listed under: those visitors can see.</summary>
    public IReadOnlyList<Condition> ConditionChoices => published.Library.Conditions;

    public string? Problem { get; private set; }

    public ArticleForm? Theirs { get; private set; }

    public string? TheirsBy { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromRoute] string? id, [FromQuery] string? condition, CancellationToken cancellationToken)
    {
        Id = id;
        if (id is null)
        {
            // "New article" from a condition's context starts with that condition ticked.
            Form.Conditions = condition is not null && published.Library.FindCondition(condition) is { } known ? [known.Slug] : [];
            return Page();
        }

        if (await EditorItems.LoadAsync(editing, ContentItems.ArticleKey(id), ContentKinds.Article, cancellationToken) is not { } item)
        {
            return NotFound();
        }

        Form = ArticleForm.From(JsonSerializer.Deserialize<ArticleFile>(item.DraftBody, ContentLibrary.JsonOptions)!, item.Version);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromRoute] string? id, CancellationToken cancellationToken)
    {
        Id = id;
        ArticleFile? existing = null;
        if (id is not null)
        {
            if (await EditorItems.LoadAsync(editing, ContentItems.ArticleKey(id), ContentKinds.Article, cancellationToken) is not { } current)
            {
                return NotFound();
            }

            existing = JsonSerializer.Deserialize<ArticleFile>(current.DraftBody, ContentLibrary.JsonOptions);
        }

        var errors = new FormErrors();
        var slugs = ConditionChoices.Select(c => c.Slug).ToHashSet(StringComparer.Ordinal);
        var articleId = id ?? await NewIdAsync(Form.Title ?? "", cancellationToken);
        var file = Form.ToFile(articleId, existing, slugs, errors);
        foreach (var (field, message) in errors)
        {
            ModelState.AddModelError(field, message);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var key = ContentItems.ArticleKey(articleId);
        var result = await editing.HandleAsync(key, new SaveDraft(ContentKinds.Article, ContentItems.Serialize(file)), Form.Version, User.Identity!.Name!, cancellationToken);
        switch (result.Outcome)
        {
            case EditOutcome.Done:
                return Redirect($"/staff/content/items/{key}");
            case EditOutcome.Conflict when id is not null && await EditorItems.LoadAsync(editing, key, ContentKinds.Article, cancellationToken) is { } theirs:
                Problem = result.Message;
                Theirs = ArticleForm.From(JsonSerializer.Deserialize<ArticleFile>(theirs.DraftBody, ContentLibrary.JsonOptions)!, theirs.Version);
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

    /// <summary>A new article's id, from its title, numbered when another item already has it.</summary>
    private async Task<string> NewIdAsync(string title, CancellationToken cancellationToken)
    {
        var stem = FormText.Slugify(title, MaxIdLength);
        var taken = (await editing.ListAsync(cancellationToken)).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var id = stem;
        for (var n = 2; taken.Contains(ContentItems.ArticleKey(id)); n++)
        {
            id = $"{stem}-{n}";
        }

        return id;
    }
}
