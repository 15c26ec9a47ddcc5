using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// The way into an item's preview: goes to the public page that shows it, rendered with the draft; says plainly when
/// there is nothing to preview or when the draft would not build (the validation error, not a failure).
/// </summary>
[Authorize(Policy = AccessPolicies.EditorOrReviewerPolicy)]
internal sealed class ContentPreviewPageModel(ContentPreviews previews) : PageModel
{
    public ContentPreview Preview { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string key, CancellationToken cancellationToken)
    {
        if (await previews.BuildAsync(key, cancellationToken) is not { } preview)
        {
            return NotFound();
        }

        if (preview.Library is not null)
        {
            return Redirect(preview.MainPage);
        }

        Preview = preview;
        Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        if (preview.Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        return Page();
    }
}
