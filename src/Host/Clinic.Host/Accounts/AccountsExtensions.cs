using Clinic.Host.Shell;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clinic.Host.Accounts;

internal static class AccountsExtensions
{
    public const string LoginPath = "/account/login";
    public const string AuthCookieName = "clinic.auth";
    public const string SignInRateLimit = RateLimiting.ClinicRateLimiting.SignInPolicy;

    public static IHostApplicationBuilder AddClinicAccounts(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddMartenStore<IAccountsStore>(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = builder.Configuration["Accounts:Schema"] ?? "accounts";
                options.Schema.For<StaffAccount>().UseOptimisticConcurrency(true);
            })
            .ApplyAllDatabaseChangesOnStartup();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccountStore>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = LoginPath;
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/denied";
                // Lax, so a link in an alert e-mail or chat message opens the staff page signed in; every
                // state-changing request is a POST with an antiforgery token (whose cookie stays Strict).
                options.Cookie.Protect(AuthCookieName, builder.Configuration, SameSiteMode.Lax);
                // Signed out after 30 idle minutes; each request within them extends the session.
                options.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                options.SlidingExpiration = true;

                // Disabling an account or resetting its password ends its sessions at their next request.
                options.Events.OnValidatePrincipal = async context =>
                {
                    var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
                    if (context.Principal is null || !await accounts.IsSessionValidAsync(context.Principal, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };

                // APIs answer 401/403; only pages redirect people to the login form.
                options.Events.OnRedirectToLogin = context => RespondOrRedirect(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RespondOrRedirect(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddAuthorizationBuilder().AddAccessPolicies();
        return builder;
    }

    private static Task RespondOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // APIs, scrapers and event streams answer with a status; a redirect to a login page means nothing to them.
        if (ShellExtensions.IsApi(context.HttpContext) || context.Request.Path.StartsWithSegments(ServiceDefaults.MetricsScrape.Path)
            || context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
