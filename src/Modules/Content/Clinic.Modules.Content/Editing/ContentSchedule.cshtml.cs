using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// Scheduling an approved change to go live later (a clinical reviewer's action, like publishing), or cancelling
/// the schedule. The time is entered in the clinic's zone; the change is published when due as by the person who
/// scheduled it (<see cref="ScheduledPublishing"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.ClinicalReviewerPolicy)]
internal sealed class ContentScheduleModel(ContentEditing editing, IContentStore store, ScheduleClock clock, TimeProvider time) : PageModel
{
    public const string PublishAtField = "publishAt";

    public ContentItemView Item { get; private set; } = null!;

    public ScheduleClock Clock => clock;

    public string? PublishAt { get; private set; }

    /// <summary>The version the person acts on: the one they saw, until a conflict shows them the newer one.</summary>
    public long SeenVersion { get; private set; }

    public string? Problem { get; private set; }

    public ContentConflict? Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(string key, CancellationToken cancellationToken)
    {
        if (await store.FindItemAsync(key, cancellationToken) is not { } item)
        {
            return NotFound();
        }

        Item = item;
        SeenVersion = item.Version;
        PublishAt = clock.ToInput(item.ScheduledPublishAt ?? time.GetUtcNow().AddHours(1));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string key, string? publishAt, long version, CancellationToken cancellationToken)
    {
        var (at, error) = clock.Parse(publishAt);
        if (at is { } when && when <= time.GetUtcNow())
        {
            error = EditingRules.NotInFuture;
        }

        if (error is not null)
        {
            ModelState.AddModelError(PublishAtField, error);
            return await ShowAsync(key, publishAt, version, null, cancellationToken);
        }

        return await RunAsync(key, new SchedulePublication(at!.Value), publishAt, version, cancellationToken);
    }

    public async Task<IActionResult> OnPostCancelAsync(string key, long version, CancellationToken cancellationToken) =>
        await RunAsync(key, new CancelSchedule(), null, version, cancellationToken);

    private async Task<IActionResult> RunAsync(string key, EditCommand command, string? publishAt, long version, CancellationToken cancellationToken)
    {
        var result = await editing.HandleAsync(key, command, version, User.Identity!.Name!, cancellationToken);
        if (result.Outcome == EditOutcome.Done)
        {
            return Redirect($"/staff/content/items/{key}");
        }

        if (result.Message == EditingRules.NotInFuture)
        {
            ModelState.AddModelError(PublishAtField, result.Message);
            return await ShowAsync(key, publishAt, version, null, cancellationToken);
        }

        return await ShowAsync(key, publishAt, version, result, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(string key, string? publishAt, long version, EditResult? result, CancellationToken cancellationToken)
    {
        if (await store.FindItemAsync(key, cancellationToken) is not { } item)
        {
            return NotFound();
        }

        Item = item;
        PublishAt = publishAt;
        SeenVersion = version;
        if (result?.Outcome == EditOutcome.Conflict)
        {
            SeenVersion = item.Version;
            Conflict = new ContentConflict(key, version, item, result.Message!);
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        else
        {
            Problem = result?.Message;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        return Page();
    }
}
