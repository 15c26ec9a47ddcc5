namespace Clinic.Host.Shell;

/// <summary>
/// How the site's cookies are protected. By default they are <c>__Host-</c> cookies: Secure, for this host
/// only, on every path, so they exist only over HTTPS and no sibling subdomain can plant or read them.
/// <c>Security:AllowPlainHttp=true</c> is for a developer's machine without TLS (./clinic run, the compose
/// stack): the cookies then lose the prefix and follow the request's scheme. Never set it in production.
/// </summary>
internal static class CookieSecurity
{
    public const string AllowPlainHttpKey = "Security:AllowPlainHttp";

    public static void Protect(this CookieBuilder cookie, string name, IConfiguration configuration, SameSiteMode sameSite = SameSiteMode.Strict)
    {
        var plainHttp = configuration.GetValue<bool>(AllowPlainHttpKey);
        cookie.Name = plainHttp ? name : "__Host-" + name;
        cookie.SecurePolicy = plainHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.Path = "/";
        cookie.HttpOnly = true;
        cookie.SameSite = sameSite;
    }

    /// <summary>
    /// Unless plain HTTP is allowed, only health probes and metrics scrapes are answered without TLS (after the
    /// forwarded headers of a TLS-terminating proxy are applied): probes and scrapers inside the network usually
    /// speak plain HTTP, and neither answer holds personal data. Anything else may hold health data, which must
    /// not cross a network in clear text (and the site's cookies could not be set anyway), so it gets a plain
    /// refusal instead of a broken page.
    /// </summary>
    public static IApplicationBuilder UseHttpsOnly(this IApplicationBuilder app, IConfiguration configuration) =>
        configuration.GetValue<bool>(AllowPlainHttpKey)
            ? app
            : app.Use((context, next) => context.Request.IsHttps || context.Request.Path.StartsWithSegments("/health")
                    || context.Request.Path.StartsWithSegments(ServiceDefaults.MetricsScrape.Path)
                ? next(context)
                : Results.Problem(
                        statusCode: StatusCodes.Status400BadRequest,
                        title: "HTTPS required",
                        detail: "This site answers over HTTPS only.")
                    .ExecuteAsync(context));
}
