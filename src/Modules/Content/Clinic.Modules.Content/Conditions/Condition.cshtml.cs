using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace Clinic.Modules.Content.Conditions;

[OutputCache(PolicyName = ContentCaching.PolicyName)]
internal sealed class ConditionModel(ContentLibrary library) : PageModel
{
    public Condition Condition { get; private set; } = null!;

    public IReadOnlyList<Article> Articles { get; private set; } = [];

    public IActionResult OnGet(string slug)
    {
        if (library.FindCondition(slug) is not { } condition)
        {
            return NotFound();
        }

        Condition = condition;
        Articles = [.. library.ArticlesAbout(condition.Slug)];
        return Page();
    }
}
