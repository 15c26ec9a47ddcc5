using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using JasperFx.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// Two versions of an item side by side, each as labelled lines (one per field), removed and added lines marked in
/// words and with &lt;del&gt;/&lt;ins&gt;, not by colour alone. Any stream version may be named: its text is that of the
/// last draft, publication or rollback up to it, so "the version I saw" and "the version now" always compare.
/// </summary>
[Authorize(Policy = AccessPolicies.EditorOrReviewerPolicy)]
internal sealed class ContentDiffModel(ContentEditing editing) : PageModel
{
    public string Key { get; private set; } = "";

    /// <summary>The versions that carry a text (drafts, publications, rollbacks), newest first, with what each was.</summary>
    public IReadOnlyList<(long Version, string Label)> Choices { get; private set; } = [];

    public long? From { get; private set; }

    public long? To { get; private set; }

    public SideBySideDiffModel? Diff { get; private set; }

    public IEvent? FromEvent { get; private set; }

    public IEvent? ToEvent { get; private set; }

    public async Task<IActionResult> OnGetAsync(string key, string? from, string? to, CancellationToken cancellationToken)
    {
        var history = await editing.HistoryAsync(key, cancellationToken);
        if (history.Count == 0)
        {
            return NotFound();
        }

        Key = key;
        Choices = [.. history.Where(e => VersionText.BodyOf(e.Data) is not null).Reverse().Select(e => (e.Version, Label(e)))];

        // Without a choice: the newest text against the one before it.
        To = Read(to, nameof(to), history) ?? (string.IsNullOrEmpty(to) ? Choices[0].Version : null);
        From = Read(from, nameof(from), history) ?? (string.IsNullOrEmpty(from) && To is { } newest
            ? Choices.Select(c => c.Version).FirstOrDefault(v => v < newest, newest)
            : null);
        if (!ModelState.IsValid || From is not { } older || To is not { } newer)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        FromEvent = history.Single(e => e.Version == older);
        ToEvent = history.Single(e => e.Version == newer);
        Diff = SideBySideDiffBuilder.Instance.BuildDiffModel(
            VersionText.Readable(VersionText.BodyAt(history, older) ?? ""),
            VersionText.Readable(VersionText.BodyAt(history, newer) ?? ""));
        return Page();
    }

    private long? Read(string? value, string field, IReadOnlyList<IEvent> history)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ||
            version < 1 || version > history[^1].Version)
        {
            ModelState.AddModelError(field, $"Choose a version from 1 to {history[^1].Version}.");
            return null;
        }

        return version;
    }

    public static string Label(IEvent e) =>
        $"version {e.Version}: {ContentItemModel.Describe(e.Data)} by {ContentItemState.By(e.Data)}, {e.Timestamp:yyyy-MM-dd HH:mm} UTC";
}
