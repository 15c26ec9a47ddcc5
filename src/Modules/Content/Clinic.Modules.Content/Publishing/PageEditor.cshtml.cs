using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Publishing;

internal sealed class PageForm
{
    public long Version { get; set; }

    public string? Title { get; set; }

    public string? Markdown { get; set; }
}

/// <summary>A text page (the terms, the privacy notice): its title and its Markdown, as a draft of "page/{name}".</summary>
[Authorize(Policy = AccessPolicies.EditorPolicy)]
internal sealed class PageEditorModel(ContentEditing editing) : DraftSavingModel<PageFile>(editing)
{
    [BindProperty]
    public PageForm Form { get; set; } = new();

    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken cancellationToken)
    {
        if (!TextPages.IsName(name) || await EditorDrafts.LoadAsync<PageFile>(Editing, ContentItems.PageKey(name), cancellationToken) is not { } current)
        {
            return NotFound();
        }

        Name = name;
        Form = new PageForm { Version = current.Version, Title = current.Body.Title, Markdown = current.Body.Markdown };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string name, CancellationToken cancellationToken)
    {
        if (!TextPages.IsName(name))
        {
            return NotFound();
        }

        Name = name;
        var title = EditorDrafts.Text(ModelState, "Form.Title", Form.Title, "title", EditorDrafts.MaxShortText);
        var markdown = EditorDrafts.Text(ModelState, "Form.Markdown", Form.Markdown?.ReplaceLineEndings("\n"), "text", EditorDrafts.MaxMarkdown, multiLine: true);
        return await SaveAsync(ContentItems.PageKey(name), ContentKinds.Page, new PageFile(title, markdown),
            () => Form.Version, version => Form.Version = version, cancellationToken);
    }
}
