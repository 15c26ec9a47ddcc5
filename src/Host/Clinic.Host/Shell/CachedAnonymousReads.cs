using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Clinic.Host.Shell;

/// <summary>
/// The output cache, placed so that cached public pages skip authentication, authorization and rate limiting when
/// the request carries no credentials. The cache's default policy serves nothing to a signed-in user or to a request
/// with an Authorization header, but it can only tell a signed-in user once authentication has run; so the rule is on
/// what authentication would read: a request without the sign-in cookie and without an Authorization header cannot
/// be signed in, and meets the cache before authentication. Any other request meets it after authentication, as
/// before, where a signed-in user gets their own page and an expired sign-in cookie still gets the cached one.
/// </summary>
internal static class CachedAnonymousReads
{
    /// <param name="authentication">The middleware between the two places: authentication and what needs its result.</param>
    public static IApplicationBuilder UseOutputCacheAround(this IApplicationBuilder app, Action<IApplicationBuilder> authentication)
    {
        var signInCookie = SignInCookie(app.ApplicationServices);
        app.UseWhen(context => CannotBeSignedIn(context, signInCookie), anonymous => anonymous.UseOutputCache());
        authentication(app);
        app.UseWhen(context => !CannotBeSignedIn(context, signInCookie), credentials => credentials.UseOutputCache());
        return app;
    }

    /// <summary>The cookie the default authentication scheme reads: what makes a request signed in.</summary>
    internal static string SignInCookie(IServiceProvider services) =>
        services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).Cookie.Name
        ?? throw new InvalidOperationException("The sign-in cookie has no name, so signed-in requests cannot be told apart.");

    /// <summary>
    /// No sign-in cookie (a chunked cookie keeps its name on the first chunk), no Authorization header, and not an
    /// endpoint that asks for authorization: should such an endpoint ever be cached, its entry is served only after
    /// authorization has run.
    /// </summary>
    internal static bool CannotBeSignedIn(HttpContext context, string signInCookie) =>
        !context.Request.Cookies.ContainsKey(signInCookie)
        && !context.Request.Headers.ContainsKey(HeaderNames.Authorization)
        && context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is null;
}
