using Microsoft.AspNetCore.Authentication.Cookies;

namespace Clinic.Host.Accounts;

internal static class AccountsExtensions
{
    public const string LoginPath = "/account/login";
    public const string AuthCookieName = "__Host-clinic.auth";

    public static IHostApplicationBuilder AddClinicAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AccountsOptions>(builder.Configuration.GetSection(AccountsOptions.Section));
        builder.Services.AddSingleton<ConfiguredAccounts>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = LoginPath;
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/denied";
                // __Host-: browsers accept it only when Secure, for this host alone and the whole path, so no
                // sibling subdomain can plant or read it. Serve the site over HTTPS (browsers make an
                // exception for http://localhost and 127.0.0.1, which ./clinic run uses).
                options.Cookie.Name = AuthCookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                // Signed out after 30 idle minutes; each request within them extends the session.
                options.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                options.SlidingExpiration = true;

                // APIs answer 401/403; only pages redirect people to the login form.
                options.Events.OnRedirectToLogin = context => RespondOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RespondOrRedirect(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    private static Task RespondOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // APIs and event streams answer with a status; a redirect to a login page means nothing to them.
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
