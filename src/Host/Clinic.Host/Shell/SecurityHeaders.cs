using Microsoft.Net.Http.Headers;

namespace Clinic.Host.Shell;

/// <summary>
/// Headers every response carries, pages, APIs, errors and static files alike. The site runs no inline
/// script or style, so the policy can forbid them; it loads nothing from other origins; and nothing may
/// frame it (a clinic's forms are a clickjacking target).
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            // A year, as browsers' preload lists expect; browsers ignore it on plain HTTP.
            headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // Condition pages' addresses say what a visitor is reading about: never tell other sites.
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            // Anything that did not decide its own caching is kept out of every cache: staff, audit and
            // form pages carry personal data. Only static files opt in to caching.
            if (!headers.ContainsKey(HeaderNames.CacheControl))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
