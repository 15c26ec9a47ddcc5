using Clinic.Modules.Content.Editing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using static Clinic.Modules.Content.Library.ContentLibrary;

namespace Clinic.Modules.Content.Publishing;

internal sealed class CrisisResourcesForm
{
    public long Version { get; set; }

    public List<CrisisResourceRow> Resources { get; set; } = [];

    public string? FormerNumberNote { get; set; }
}

internal sealed class CrisisResourceRow
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Text { get; set; }

    public List<CrisisActionRow> Actions { get; set; } = [];
}

internal sealed class CrisisActionRow
{
    public string? Label { get; set; }

    public string? Href { get; set; }
}

/// <summary>
/// The crisis resources every page shows, as a draft of the "crisis-resources" item: each resource's id, title,
/// text and actions (a label and a tel:, sms: or https:// link). Empty rows are left out. A change goes live only
/// with a clinical reviewer's approval.
/// </summary>
[Authorize(Policy = AccessPolicies.EditorPolicy)]
internal sealed class CrisisResourcesEditorModel(ContentEditing editing) : DraftSavingModel<CrisisFile>(editing)
{
    [BindProperty]
    public CrisisResourcesForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await EditorDrafts.LoadAsync<CrisisFile>(Editing, ContentItems.CrisisResourcesKey, cancellationToken) is not { } current)
        {
            return NotFound();
        }

        Form = new CrisisResourcesForm
        {
            Version = current.Version,
            FormerNumberNote = current.Body.FormerNumberNote,
            Resources =
            [
                .. (current.Body.Resources ?? []).Select(r => new CrisisResourceRow
                {
                    Id = r.Id,
                    Title = r.Title,
                    Text = r.Text,
                    Actions = [.. (r.Actions ?? []).Select(a => new CrisisActionRow { Label = a.Label, Href = a.Href }), new CrisisActionRow()],
                }),
                new CrisisResourceRow { Actions = [new CrisisActionRow(), new CrisisActionRow()] },
            ],
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var resources = new List<CrisisResourceFile>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Form.Resources.Count; i++)
        {
            var row = Form.Resources[i];
            var at = $"Form.Resources[{i}]";
            var actionRows = row.Actions.Select((a, j) => (a, j)).Where(x => !string.IsNullOrWhiteSpace(x.a.Label) || !string.IsNullOrWhiteSpace(x.a.Href)).ToList();
            if (string.IsNullOrWhiteSpace(row.Id) && string.IsNullOrWhiteSpace(row.Title) && string.IsNullOrWhiteSpace(row.Text) && actionRows.Count == 0)
            {
                continue;
            }

            var number = i + 1;
            var id = EditorDrafts.Text(ModelState, $"{at}.Id", row.Id, $"id of resource {number}", 60);
            if (!string.IsNullOrEmpty(id) && !id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                ModelState.AddModelError($"{at}.Id", $"The id of resource {number} must be lower-case letters, digits and dashes.");
            }
            else if (!string.IsNullOrEmpty(id) && !ids.Add(id))
            {
                ModelState.AddModelError($"{at}.Id", $"The id of resource {number} is already used by another resource.");
            }

            var title = EditorDrafts.Text(ModelState, $"{at}.Title", row.Title, $"title of resource {number}", EditorDrafts.MaxShortText);
            var text = EditorDrafts.Text(ModelState, $"{at}.Text", row.Text, $"text of resource {number}", EditorDrafts.MaxText);
            var actions = actionRows.Select(x => new CrisisActionFile(
                EditorDrafts.Text(ModelState, $"{at}.Actions[{x.j}].Label", x.a.Label, $"label of action {x.j + 1} of resource {number}", EditorDrafts.MaxShortText),
                EditorDrafts.CrisisHref(ModelState, $"{at}.Actions[{x.j}].Href", x.a.Href))).ToList();
            if (actions.Count == 0)
            {
                ModelState.AddModelError($"{at}.Actions[0].Label", $"Give resource {number} at least one action (a call, a text or a web address).");
            }

            resources.Add(new CrisisResourceFile(id, title, text, actions));
        }

        if (resources.Count == 0)
        {
            ModelState.AddModelError("Form.Resources[0].Id", "Give at least one crisis resource.");
        }

        var note = EditorDrafts.Text(ModelState, "Form.FormerNumberNote", Form.FormerNumberNote, "note under the list", EditorDrafts.MaxText);
        return await SaveAsync(ContentItems.CrisisResourcesKey, ContentKinds.CrisisResources, new CrisisFile(resources, note),
            () => Form.Version, version => Form.Version = version, cancellationToken);
    }
}
