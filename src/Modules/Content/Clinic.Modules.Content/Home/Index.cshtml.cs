using Clinic.Modules.Content.Conditions;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Content.Home;

internal sealed class IndexModel(ConditionCatalog catalog) : PageModel
{
    public IReadOnlyList<Condition> Conditions => catalog.All;
}
