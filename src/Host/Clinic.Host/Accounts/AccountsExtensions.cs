using Clinic.Host.Shell;
using Marten;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clinic.Host.Accounts;

/// <summary>
/// Staff sign-in on ASP.NET Core Identity, over the accounts' Marten document
/// (docs/adr/0007-identity-over-the-marten-accounts-document.md).
/// </summary>
internal static class AccountsExtensions
{
    public const string LoginPath = "/account/login";
    public const string EnrolmentPath = "/account/two-factor";
    public const string AuthCookieName = "clinic.auth";
    public const string TwoFactorCookieName = "clinic.2fa";
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
        builder.Services.TryAddSingleton<ISignInJournal, UnrecordedAccountJournals>();
        builder.Services.TryAddSingleton<IAccountChangeJournal, UnrecordedAccountJournals>();
        builder.Services.AddSingleton(SecondFactorRequirement.From(builder.Configuration));
        builder.Services.AddSingleton<SecondFactorPolicy>();

        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(cookies =>
            {
                cookies.ApplicationCookie!.Configure(options =>
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
                    // APIs answer 401/403; only pages redirect people to the login form (or to enrolment).
                    options.Events.OnRedirectToLogin = context => RespondOrRedirect(context, StatusCodes.Status401Unauthorized);
                    options.Events.OnRedirectToAccessDenied = context => RespondOrRedirect(context, StatusCodes.Status403Forbidden);
                });
                // Between the password and the second factor: only the second-factor pages read it.
                cookies.TwoFactorUserIdCookie!.Configure(options =>
                {
                    options.Cookie.Protect(TwoFactorCookieName, builder.Configuration);
                    options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                });
            });
        // Disabling an account, resetting its password or its second factor renews its security stamp, which
        // ends its sessions at their next request: every request checks the stamp (and refreshes the claims).
        builder.Services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);

        builder.Services.AddIdentityCore<StaffAccount>(options =>
            {
                options.User.AllowedUserNameCharacters = "";
                options.SignIn.RequireConfirmedAccount = true;
                options.Lockout.MaxFailedAccessAttempts = StaffAccount.MaxFailedSignIns;
                options.Lockout.DefaultLockoutTimeSpan = StaffAccount.LockoutDuration;
                options.Lockout.AllowedForNewUsers = true;
                // Length and the common-password list only (PasswordRules), as NIST SP 800-63B asks.
                options.Password.RequiredLength = PasswordRules.MinimumLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
            })
            .AddUserStore<StaffUserStore>()
            .AddSignInManager<StaffSignInManager>()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>()
            .AddTokenProvider<AuthenticatorTokenProvider<StaffAccount>>(TokenOptions.DefaultAuthenticatorProvider);
        builder.Services.RemoveAll<IPasswordValidator<StaffAccount>>();
        builder.Services.AddScoped<IPasswordValidator<StaffAccount>, PasswordRules>();
        builder.Services.AddScoped<IUserConfirmation<StaffAccount>, EnabledAccountConfirmation>();
        builder.Services.AddHttpContextAccessor();
        builder.AddClinicPasskeys();

        builder.Services.AddAuthorizationBuilder().AddAccessPolicies();
        builder.AddClinicSingleSignOn();
        Administration.AccountAdministrationExtensions.AddClinicAccountAdministration(builder);
        builder.AddClinicSessions();
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

        // Someone who must still set up a second factor is refused everything else: show them where to do it.
        if (status == StatusCodes.Status403Forbidden && context.HttpContext.User.HasClaim(c => c.Type == StaffClaimsFactory.MustEnrolClaim))
        {
            context.Response.Redirect(EnrolmentPath);
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
