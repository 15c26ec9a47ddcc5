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
/// page's rate (docs/benchmarks.md, issue 16's ninth and eleventh rounds). Each page is kept with the generation of the
/// published snapshot it was asked for in and served only while that snapshot is the current one, so a publication
/// retires every page at once, on every host, without an eviction of its own; an answer that straddles a publication
/// is not kept, and the output cache's own entries carry the same generation (ContentModule), so none from an older
/// snapshot comes back through it. Anything else (a signed-in person, a preview, a form, a query, a miss) goes on to
/// the output cache and the rest of the pipeline.
/// </summary>
internal sealed class PublishedPageCache(PublishedContent published, CachedPublicReads reads, TimeProvider time)
{
    /// <summary>More addresses than the site has pages (only canonical ones are kept); once reached, only retired pages make room.</summary>
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

    internal sealed record Page(long Generation, long StoredAt, KeyValuePair<string, StringValues>[] Headers, byte[] Body);

    public int Count => _pages.Count;

    /// <summary>Whether a page is kept for this path and would be served now.</summary>
    internal bool Holds(string path) =>
        _pages.Any(page => page.Key.Path == path && !Retired(page.Value, published.Current.Generation));

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!MayShareAnswer(request) || !IsCanonical(context))
        {
            return next(context);
        }

        var key = new PageKey(request.Scheme, request.Host.Value ?? "", request.PathBase.Value ?? "", request.Path.Value ?? "");
        var generation = published.Current.Generation;
        if (_pages.TryGetValue(key, out var page) && !Retired(page, generation))
        {
            return ServeAsync(context, page);
        }

        return HttpMethods.IsGet(request.Method) && reads.Contains(request) ? RenderAndKeepAsync(context, next, key, generation) : next(context);
    }

    /// <summary>A read whose answer is the same for everyone: nothing in it can identify the reader or vary the page.</summary>
    internal static bool MayShareAnswer(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.QueryString.HasValue
        && !request.Headers.ContainsKey(HeaderNames.Cookie)
        && !request.Headers.ContainsKey(HeaderNames.Authorization);

    /// <summary>
    /// One address per page: routing would answer other letter cases, a trailing slash and any port the allowed hosts
    /// let through with the same page, and keeping each would let anyone fill the cache with copies.
    /// </summary>
    internal static bool IsCanonical(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var host = request.Host;
        return !path.AsSpan().ContainsAnyInRange('A', 'Z')
            && (path.Length <= 1 || path[^1] != '/')
            && !host.Host.AsSpan().ContainsAnyInRange('A', 'Z')
            && (host.Port is null || host.Port == context.Connection.LocalPort);
    }

    private bool Retired(Page page, long currentGeneration) =>
        page.Generation != currentGeneration || time.GetElapsedTime(page.StoredAt) >= ContentCaching.Duration;

    private Task ServeAsync(HttpContext context, Page page)
    {
        // No endpoint is set: the request metrics of these answers carry no route, as for static files. Naming it cost
        // about 5 % of the page's rate (docs/benchmarks.md, issue 16's eleventh round).
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

    private async Task RenderAndKeepAsync(HttpContext context, RequestDelegate next, PageKey key, long generation)
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

        var response = context.Response;
        if (Keepable(context, rendered, generation))
        {
            Keep(key, new Page(generation, StoredAt(response.Headers), KeptHeaders(response.Headers), rendered.ToArray()));
        }

        if (rendered.Length > 0)
        {
            response.ContentLength ??= rendered.Length;
            // Not bound to the request's abort: Kestrel drops writes to a closed connection, which must not become an error.
            await response.BodyWriter.WriteAsync(rendered.GetBuffer().AsMemory(0, (int)rendered.Length), CancellationToken.None);
        }
    }

    /// <summary>
    /// The output cache's own rules for these endpoints (an OK answer that sets no cookie), nothing the page marked as
    /// private or varying, and the snapshot still the one asked for in. What the response's OnStarting callbacks add
    /// is not seen here (the answer has not started); those registered before this cache run again on every answer
    /// from it, and none of the cached endpoints registers its own.
    /// </summary>
    private bool Keepable(HttpContext context, MemoryStream rendered, long generation)
    {
        var headers = context.Response.Headers;
        return context.Response.StatusCode == StatusCodes.Status200OK
            && !headers.ContainsKey(HeaderNames.SetCookie)
            && !headers.ContainsKey(HeaderNames.Vary)
            && !MarkedPrivate(headers.CacheControl)
            && context.GetEndpoint() is { } endpoint && CachedPublicReads.IsCached(endpoint)
            && rendered.Length <= MaxBodyBytes
            && published.Current.Generation == generation;
    }

    private static bool MarkedPrivate(StringValues cacheControl) =>
        cacheControl.Any(value => value is not null
            && (value.Contains("no-store", StringComparison.OrdinalIgnoreCase) || value.Contains("private", StringComparison.OrdinalIgnoreCase)));

    /// <summary>An answer the output cache served is as old as its Age says: it is kept for what remains of its lifetime.</summary>
    private long StoredAt(IHeaderDictionary headers)
    {
        var now = time.GetTimestamp();
        return long.TryParse(headers.Age, NumberStyles.None, CultureInfo.InvariantCulture, out var ageSeconds)
            ? now - (long)(Math.Min(ageSeconds, ContentCaching.Duration.TotalSeconds) * time.TimestampFrequency)
            : now;
    }

    private void Keep(PageKey key, Page page)
    {
        var current = published.Current.Generation;
        if (page.Generation != current)
        {
            return;
        }

        if (_pages.Count >= MaxPages && !_pages.ContainsKey(key))
        {
            foreach (var retired in _pages.Where(kept => Retired(kept.Value, current)))
            {
                _pages.TryRemove(retired.Key, out _);
            }

            if (_pages.Count >= MaxPages)
            {
                return;
            }
        }

        // Two renders of one page racing a publication: the later snapshot's stays.
        _pages.AddOrUpdate(key, page, (_, kept) => kept.Generation > page.Generation ? kept : page);
    }

    private static KeyValuePair<string, StringValues>[] KeptHeaders(IHeaderDictionary headers) =>
        [.. headers.Where(header => !NotKept.Contains(header.Key))];
}

/// <summary>Hands each request to the singleton <see cref="PublishedPageCache"/>.</summary>
internal sealed class PublishedPageCacheMiddleware(RequestDelegate next, PublishedPageCache cache)
{
    public Task InvokeAsync(HttpContext context) => cache.InvokeAsync(context, next);
}
