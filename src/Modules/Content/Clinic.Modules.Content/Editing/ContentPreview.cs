using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// The site as it will be once one item's pending change is published: the published items with that item's
/// draft in place of its live body, built and checked exactly as the published site is.
/// </summary>
internal sealed class ContentPreviews(ContentEditing editing, PublishedContent published)
{
    public async Task<ContentPreview?> BuildAsync(string key, CancellationToken cancellationToken)
    {
        var item = ContentItemState.From(await editing.HistoryAsync(key, cancellationToken));
        if (item is null)
        {
            return null;
        }

        if (item.Review == ReviewStatus.None)
        {
            return new ContentPreview(item, null, null);
        }

        var items = published.Current.Items.Where(i => i.Key != key).Append(new PublishedItem(key, item.Kind, item.DraftBody));
        try
        {
            return new ContentPreview(item, ContentItems.Build(items, published.Library.ConditionsVersion), null);
        }
        catch (InvalidDataException e)
        {
            return new ContentPreview(item, null, e.Message);
        }
    }
}

/// <summary>An item's preview: the site with its draft (null when it has no pending change or the draft is invalid), or why not.</summary>
internal sealed record ContentPreview(ContentItemState Item, ContentLibrary? Library, string? Problem)
{
    /// <summary>The public page that shows the item first: its condition page, the home page's highlights, the crisis page.</summary>
    public string MainPage => Item.Kind switch
    {
        ContentKinds.Condition => Previews.Condition(Item.Key, Item.Key[(Item.Key.IndexOf('/') + 1)..]),
        ContentKinds.Article when Library?.Articles.FirstOrDefault(a => $"article/{a.Id}" == Item.Key)?.Conditions.FirstOrDefault() is { } slug =>
            Previews.Condition(Item.Key, slug),
        ContentKinds.Article => Previews.Research(Item.Key),
        ContentKinds.CrisisResources => Previews.Crisis(Item.Key),
        _ => Previews.Home(Item.Key),
    };
}

/// <summary>
/// Where previews live: each public page that shows content is also reachable under /staff/content/preview/site/…,
/// ending in the item's key, for editors and reviewers only, never cached, and rendered from the preview's library.
/// </summary>
internal static class Previews
{
    public const string ItemRouteValue = "item";
    private const string Root = "staff/content/preview/site";

    public static string Condition(string key, string slug) => $"/{Root}/conditions/{slug}/{key}";

    public static string Research(string key) => $"/{Root}/research/{key}";

    public static string Home(string key) => $"/{Root}/home/{key}";

    public static string Crisis(string key) => $"/{Root}/crisis-resources/{key}";

    /// <summary>The public pages, by page name, and their preview routes.</summary>
    private static readonly (string Page, string Route)[] Routes =
    [
        ("/Conditions/Condition", Root + "/conditions/{slug}/{**" + ItemRouteValue + "}"),
        ("/Research/Library", Root + "/research/{**" + ItemRouteValue + "}"),
        ("/Home/Index", Root + "/home/{**" + ItemRouteValue + "}"),
        ("/Crisis/CrisisResources", Root + "/crisis-resources/{**" + ItemRouteValue + "}"),
    ];

    public static void AddRoutes(PageConventionCollection conventions)
    {
        foreach (var (page, route) in Routes)
        {
            conventions.AddPageRouteModelConvention(page, model => model.Selectors.Add(new SelectorModel
            {
                // Links the site generates keep pointing at the public address.
                AttributeRouteModel = new AttributeRouteModel { Template = route, SuppressLinkGeneration = true },
                EndpointMetadata = { new AuthorizeAttribute(AccessPolicies.EditorOrReviewerPolicy), PreviewEndpoint.Instance },
            }));
            conventions.AddPageApplicationModelConvention(page, model => model.Filters.Add(new ServiceFilterAttribute(typeof(PreviewFilter))));
        }
    }
}

/// <summary>Marks a preview route, so the output cache and the preview filter recognise it.</summary>
internal sealed class PreviewEndpoint
{
    public static readonly PreviewEndpoint Instance = new();
}

/// <summary>The request's preview, when it is one: read by the scoped <see cref="ContentLibrary"/> and the banner.</summary>
internal sealed class PreviewScope
{
    public ContentPreview? Preview { get; set; }
}

/// <summary>
/// Before a public page's model is made, a preview request swaps the request's library for the preview's, so the
/// page, its layout and the crisis banner all render the draft. A draft that does not build goes to the preview's
/// own page, which shows why.
/// </summary>
internal sealed class PreviewFilter(ContentPreviews previews, PreviewScope scope) : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<PreviewEndpoint>() is null)
        {
            await next();
            return;
        }

        var key = context.RouteData.Values[Previews.ItemRouteValue] as string ?? "";
        var preview = await previews.BuildAsync(key, http.RequestAborted);
        if (preview is null)
        {
            context.Result = new NotFoundResult();
            return;
        }

        if (preview.Library is null)
        {
            context.Result = new RedirectResult($"/staff/content/preview/{key}");
            return;
        }

        scope.Preview = preview;
        http.Response.Headers[HeaderNames.CacheControl] = "no-store";
        http.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        await next();
    }
}

/// <summary>A preview is never stored in or served from the output cache, whoever asks.</summary>
internal sealed class NeverCachePreviews : IOutputCachePolicy
{
    public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        if (IsPreview(context))
        {
            context.EnableOutputCaching = false;
            context.AllowCacheLookup = false;
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        if (IsPreview(context))
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsPreview(OutputCacheContext context) =>
        context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<PreviewEndpoint>() is not null;
}
