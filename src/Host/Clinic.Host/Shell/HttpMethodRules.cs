using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Shell;

/// <summary>
/// Which HTTP methods get what. Razor Pages run a page for any method that has no handler of its own (TRACE /
/// rendered the home page), and minimal APIs mapped with MapGet refuse HEAD, which caches and link checkers use.
/// </summary>
internal static class HttpMethodRules
{
    /// <summary>
    /// Before routing: HEAD on the APIs is answered as the GET it stands for, with the body discarded. The method
    /// is rewritten rather than HEAD added to each endpoint, so the OpenAPI document has no twin HEAD operations.
    /// </summary>
    /// <summary>
    /// The public read APIs, where HEAD is harmless. Not the audit API: a HEAD there would run a whole export and
    /// record an access to personal data, all for a body nobody receives.
    /// </summary>
    private static readonly string[] PublicReadApis = ["/api/content", "/api/intake"];

    public static IApplicationBuilder UseHeadAsGetOnApis(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!PublicReadApis.Any(prefix => context.Request.Path.StartsWithSegments(prefix)))
        {
            await next(context);
            return;
        }

        // Routing's 405 lists the methods mapped; HEAD is answered wherever GET is.
        context.Response.OnStarting(() =>
        {
            var allow = context.Response.Headers.Allow.ToString();
            if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
                && allow.Split(',', StringSplitOptions.TrimEntries).Contains(HttpMethods.Get)
                && !allow.Split(',', StringSplitOptions.TrimEntries).Contains(HttpMethods.Head))
            {
                context.Response.Headers.Allow = allow + ", " + HttpMethods.Head;
            }

            return Task.CompletedTask;
        });

        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        context.Request.Method = HttpMethods.Get;
        var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null, body));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(body);
            context.Request.Method = HttpMethods.Head;
        }
    });

    /// <summary>
    /// After routing: pages answer GET and HEAD, and POST where they have a handler for it (a POST elsewhere meets
    /// antiforgery as before). OPTIONS gets 204 with Allow; TRACE and every other method 405 with Allow, no page.
    /// </summary>
    public static IApplicationBuilder UsePageMethodRules(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var method = context.Request.Method;
        var page = context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>();
        if (page is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method)
            || context.Features.Get<IStatusCodeReExecuteFeature>() is not null || context.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            return next(context);
        }

        var acceptsPost = page is CompiledPageActionDescriptor compiled
            && compiled.HandlerMethods.Any(h => string.Equals(h.HttpMethod, HttpMethods.Post, StringComparison.OrdinalIgnoreCase));
        context.Response.Headers.Allow = acceptsPost ? "GET, HEAD, POST" : "GET, HEAD";
        context.Response.StatusCode = HttpMethods.IsOptions(method) ? StatusCodes.Status204NoContent : StatusCodes.Status405MethodNotAllowed;
        // The answer is the status and Allow, not a "method not allowed" page.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }

        return Task.CompletedTask;
    });
}
