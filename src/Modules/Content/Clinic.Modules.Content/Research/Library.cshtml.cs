using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace Clinic.Modules.Content.Research;

/// <summary>Every citation, filtered by condition and searched by title, authors and source.</summary>
[OutputCache(PolicyName = ContentCaching.PolicyName)]
internal sealed class LibraryModel(ContentLibrary library) : PageModel
{
    public const int MaxQueryLength = 200;

    public ContentLibrary Library => library;

    public string? Condition { get; private set; }

    public string? Query { get; private set; }

    public IReadOnlyList<Article> Results { get; private set; } = [];

    public void OnGet(string? condition, string? q)
    {
        Condition = condition is not null && library.FindCondition(condition) is { } known ? known.Slug : null;
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, MaxQueryLength)];
        Results = library.Search(Condition, Query);
    }
}
