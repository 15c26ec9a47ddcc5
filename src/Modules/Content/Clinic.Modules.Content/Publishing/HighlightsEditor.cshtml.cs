using Clinic.Modules.Content.Editing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Publishing;

internal sealed class HighlightsForm
{
    public long Version { get; set; }

    public string? Intro { get; set; }

    public List<HighlightRow> Highlights { get; set; } = [];
}

internal sealed class HighlightRow
{
    public string? Title { get; set; }

    public string? Text { get; set; }
}

/// <summary>The home page's introduction and highlights, as a draft of the "highlights" item. A row left empty is left out.</summary>
[Authorize(Policy = AccessPolicies.EditorPolicy)]
internal sealed class HighlightsEditorModel(ContentEditing editing) : DraftSavingModel<HighlightsFile>(editing)
{
    [BindProperty]
    public HighlightsForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await EditorDrafts.LoadAsync<HighlightsFile>(Editing, ContentItems.HighlightsKey, cancellationToken) is not { } current)
        {
            return NotFound();
        }

        Form = new HighlightsForm
        {
            Version = current.Version,
            Intro = current.Body.Intro,
            Highlights = [.. (current.Body.Highlights ?? []).Select(h => new HighlightRow { Title = h.Title, Text = h.Text }), new HighlightRow()],
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var intro = EditorDrafts.Text(ModelState, "Form.Intro", Form.Intro, "introduction", EditorDrafts.MaxText, multiLine: true);
        var highlights = new List<HighlightFile>();
        for (var i = 0; i < Form.Highlights.Count; i++)
        {
            var row = Form.Highlights[i];
            if (string.IsNullOrWhiteSpace(row.Title) && string.IsNullOrWhiteSpace(row.Text))
            {
                continue;
            }

            highlights.Add(new HighlightFile(
                EditorDrafts.Text(ModelState, $"Form.Highlights[{i}].Title", row.Title, $"title of highlight {i + 1}", EditorDrafts.MaxShortText),
                EditorDrafts.Text(ModelState, $"Form.Highlights[{i}].Text", row.Text, $"text of highlight {i + 1}", EditorDrafts.MaxText, multiLine: true)));
        }

        if (highlights.Count == 0)
        {
            ModelState.AddModelError("Form.Highlights[0].Title", "Give at least one highlight.");
        }

        return await SaveAsync(ContentItems.HighlightsKey, ContentKinds.Highlights, new HighlightsFile(intro, highlights),
            () => Form.Version, version => Form.Version = version, cancellationToken);
    }
}
