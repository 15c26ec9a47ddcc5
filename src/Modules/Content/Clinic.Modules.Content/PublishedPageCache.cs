using System.Collections.Concurrent;
using System.Globalization;
using Clinic.Modules.Content.Editing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Clinic.Modules.Content;

/// <summary>
/// Public pages as last rendered for a request that carries nothing personal (no cookie, no Authorization header, no
/// query), answered before routing and the output cache: on the condition pages those two cost about a sixth of the
/// page's rate (docs/benchmarks.md, issue 16's eleventh round). Each page is kept with the published snapshot it was
/// rendered from and served only while that snapshot is the current one, so a publication replaces every page at once,
/// on every host, without an eviction of its own; a render that straddles a publication is not kept. Anything else
/// (a signed-in person, a preview, a form, a query, a miss) goes on to the output cache and the rest of the pipeline.
/// </summary>
internal sealed class PublishedPageCache(PublishedContent published, CachedPublicReads reads, TimeProvider time)
{
    /// <summary>More addresses than the site has pages; reached, the cache starts over rather than grow.</summary>
    internal const int MaxPages = 256;

    /// <summary>Larger answers (none of today's) are served as rendered and not kept.</summary>
    internal const int MaxBodyBytes = 512 * 1024;

    /// <summary>Headers the server writes for every answer, or that this cache writes itself.</summary>
    private static readonly HashSet<string> NotKept = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Date, HeaderNames.Server, HeaderNames.ContentLength, HeaderNames.TransferEncoding, HeaderNames.Age,
    };

    private readonly ConcurrentDictionary<PageKey, Page> _pages = new();

    internal readonly record struct PageKey(string Scheme, string Host, string PathBase, string Path);

    internal sealed record Page(PublishedContent.Snapshot RenderedFrom, long StoredAt, KeyValuePair<string, StringValues>[] Headers, byte[] Body);

    public int Count => _pages.Count;

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!MayShareAnswer(request))
        {
            return next(context);
        }

        var key = new PageKey(request.Scheme, request.Host.Value ?? "", request.PathBase.Value ?? "", request.Path.Value ?? "");
        var current = published.Current;
        if (_pages.TryGetValue(key, out var page) && page.RenderedFrom == current && time.GetElapsedTime(page.StoredAt) < ContentCaching.Duration)
        {
            return ServeAsync(context, page);
        }

        return HttpMethods.IsGet(request.Method) && reads.Contains(request) ? RenderAndKeepAsync(context, next, key, current) : next(context);
    }

    /// <summary>A read whose answer is the same for everyone: nothing in it can identify the reader or vary the page.</summary>
    internal static bool MayShareAnswer(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.QueryString.HasValue
        && !request.Headers.ContainsKey(HeaderNames.Cookie)
        && !request.Headers.ContainsKey(HeaderNames.Authorization);

    private Task ServeAsync(HttpContext context, Page page)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        foreach (var (name, value) in page.Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers.Age = ((long)time.GetElapsedTime(page.StoredAt).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.ContentLength = page.Body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.BodyWriter.WriteAsync(page.Body).AsTask();
    }

    private async Task RenderAndKeepAsync(HttpContext context, RequestDelegate next, PageKey key, PublishedContent.Snapshot renderedFrom)
    {
        using var rendered = new MemoryStream();
        var capture = new StreamResponseBodyFeature(rendered, context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await next(context);
            // Writes through the response's pipe reach the buffer only once it completes.
            await capture.CompleteAsync();
        }
        finally
        {
            context.Features.Set(capture.PriorFeature);
        }

        if (Keepable(context, rendered, renderedFrom))
        {
            Keep(key, new Page(renderedFrom, time.GetTimestamp(), KeptHeaders(context.Response.Headers), rendered.ToArray()));
        }

        if (rendered.Length > 0)
        {
            await context.Response.BodyWriter.WriteAsync(rendered.GetBuffer().AsMemory(0, (int)rendered.Length), context.RequestAborted);
        }
    }

    /// <summary>The output cache's own rules for these endpoints (an OK answer that sets no cookie), from the snapshot still current.</summary>
    private bool Keepable(HttpContext context, MemoryStream rendered, PublishedContent.Snapshot renderedFrom) =>
        context.Response.StatusCode == StatusCodes.Status200OK
        && !context.Response.Headers.ContainsKey(HeaderNames.SetCookie)
        && context.GetEndpoint() is { } endpoint && CachedPublicReads.IsCached(endpoint)
        && rendered.Length <= MaxBodyBytes
        && published.Current == renderedFrom;

    private void Keep(PageKey key, Page page)
    {
        if (_pages.Count >= MaxPages && !_pages.ContainsKey(key))
        {
            _pages.Clear();
        }

        _pages[key] = page;
    }

    private static KeyValuePair<string, StringValues>[] KeptHeaders(IHeaderDictionary headers) =>
        [.. headers.Where(header => !NotKept.Contains(header.Key))];
}

/// <summary>Hands each request to the singleton <see cref="PublishedPageCache"/>.</summary>
internal sealed class PublishedPageCacheMiddleware(RequestDelegate next, PublishedPageCache cache)
{
    public Task InvokeAsync(HttpContext context) => cache.InvokeAsync(context, next);
}
