using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Content.Crisis;

/// <summary>
/// Crisis resources, for any page to show by name ("CrisisResources"): compact in every page's banner,
/// prominent where a visitor's words suggest they are in crisis.
/// </summary>
[ViewComponent(Name = "CrisisResources")]
public sealed class CrisisResourcesViewComponent(IServiceProvider services) : ViewComponent
{
    public IViewComponentResult Invoke(bool prominent = false)
    {
        var library = services.GetRequiredService<ContentLibrary>();
        return View(prominent ? "/Crisis/_Prominent.cshtml" : "/Crisis/_Banner.cshtml", library);
    }
}
