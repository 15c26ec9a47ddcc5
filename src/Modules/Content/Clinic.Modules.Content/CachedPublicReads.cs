using Clinic.Modules.Content.Editing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Clinic.Modules.Content;

/// <summary>
/// The addresses the output cache serves, read from the endpoints' own output-cache metadata (the
/// <c>[OutputCache]</c> attributes and <c>CacheOutput</c> calls), so a page that gains or loses caching needs no list
/// kept beside it. Previews share their pages' metadata but are never cached, so they are left out.
/// </summary>
internal sealed class CachedPublicReads(EndpointDataSource endpoints)
{
    // Read on first use: by the first request every endpoint is mapped.
    private readonly Lazy<TemplateMatcher[]> _matchers = new(() => [.. endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Where(IsCached)
        .Select(e => new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults)))]);

    public static bool IsCached(Endpoint endpoint) =>
        (endpoint.Metadata.GetMetadata<OutputCacheAttribute>() is not null || endpoint.Metadata.GetMetadata<IOutputCachePolicy>() is not null)
        && endpoint.Metadata.GetMetadata<PreviewEndpoint>() is null;

    /// <summary>A read (GET or HEAD) of an address one of the cached endpoints answers.</summary>
    public bool Contains(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        var values = new RouteValueDictionary();
        foreach (var matcher in _matchers.Value)
        {
            if (matcher.TryMatch(request.Path, values))
            {
                return true;
            }

            values.Clear();
        }

        return false;
    }
}
