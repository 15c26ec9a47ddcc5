using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Conditions;

internal sealed class ConditionModel(ConditionCatalog catalog) : PageModel
{
    public Condition Condition { get; private set; } = null!;

    public IActionResult OnGet(string slug)
    {
        if (catalog.Find(slug) is not { } condition)
        {
            return NotFound();
        }

        Condition = condition;
        return Page();
    }
}
