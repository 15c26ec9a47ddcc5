using Clinic.Modules.Content.Editing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;

namespace Clinic.Modules.Content;

/// <summary>
/// The addresses the output cache serves, read from the endpoints' own output-cache metadata (the
/// <c>[OutputCache]</c> attributes and <c>CacheOutput</c> calls), so a page that gains or loses caching needs no list
/// kept beside it. Previews share their pages' metadata but are never cached, so they are left out.
/// </summary>
internal sealed class CachedPublicReads(EndpointDataSource endpoints)
{
    // Read on first use: by the first request every endpoint is mapped. Asked at the start of every request (the trace
    // filter), so reduced once to what RouteAddresses answers without allocating.
    private readonly Lazy<RouteAddresses> _addresses = new(() => RouteAddresses.Of(endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Where(IsCached)
        .Select(e => e.RoutePattern)));

    public static bool IsCached(Endpoint endpoint) =>
        (endpoint.Metadata.GetMetadata<OutputCacheAttribute>() is not null || endpoint.Metadata.GetMetadata<IOutputCachePolicy>() is not null)
        && endpoint.Metadata.GetMetadata<PreviewEndpoint>() is null;

    /// <summary>A read (GET or HEAD) of an address one of the cached endpoints answers.</summary>
    public bool Contains(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && _addresses.Value.Contains(request.Path.Value);
}
