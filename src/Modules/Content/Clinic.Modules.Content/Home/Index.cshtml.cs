using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;

namespace Clinic.Modules.Content.Home;

[OutputCache(PolicyName = ContentCaching.PolicyName)]
internal sealed class IndexModel(ContentLibrary library) : PageModel
{
    public ContentLibrary Library => library;
}
