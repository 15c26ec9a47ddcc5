using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Editing;

/// <summary>Every content item with where its pending change stands and which version visitors see.</summary>
[Authorize(Policy = AccessPolicies.EditorOrReviewerPolicy)]
internal sealed class ContentListModel(ContentEditing editing) : PageModel
{
    public IReadOnlyList<ContentItemView> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Items = await editing.ListAsync(cancellationToken);
}
