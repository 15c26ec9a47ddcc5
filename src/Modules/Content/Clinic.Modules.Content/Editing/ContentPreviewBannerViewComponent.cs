using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// The banner that marks a page as a preview (rendered by the layout by name, on every page; empty unless the
/// request is a preview), with the other pages the draft changes.
/// </summary>
[ViewComponent(Name = "ContentPreviewBanner")]
public sealed class ContentPreviewBannerViewComponent(IServiceProvider services) : ViewComponent
{
    public IViewComponentResult Invoke() =>
        services.GetService<PreviewScope>()?.Preview is { } preview
            ? View("/Editing/_PreviewBanner.cshtml", preview)
            : new ContentViewComponentResult("");
}
