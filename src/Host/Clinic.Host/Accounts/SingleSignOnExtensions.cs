using System.Globalization;
using System.Security.Claims;
using Clinic.Host.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

/// <summary>
/// Single sign-on: OpenID Connect with the clinic's identity provider through Identity's external-login machinery
/// (the handler signs the person into Identity's short-lived external cookie; /account/sso/callback turns that into a
/// clinic session: SingleSignOn.cshtml.cs). Off while <c>Accounts:SingleSignOn:Authority</c> is empty.
/// </summary>
internal static partial class SingleSignOnExtensions
{
    /// <summary>The authentication scheme, also the provider name stored with each linked login.</summary>
    public const string Scheme = "oidc";
    public const string ExternalCookieName = "clinic.ext";

    public static IHostApplicationBuilder AddClinicSingleSignOn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SingleSignOnOptions>().Bind(builder.Configuration.GetSection(SingleSignOnOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SingleSignOnOptions>, SingleSignOnOptionsValidator>();
        builder.Services.AddScoped<SingleSignOnSignIn>();

        var sso = builder.Configuration.GetSection(SingleSignOnOptions.Section).Get<SingleSignOnOptions>() ?? new();
        if (!sso.Enabled)
        {
            return builder;
        }

        // Between the identity provider's answer and the clinic session: read once by the callback, then removed.
        builder.Services.Configure<CookieAuthenticationOptions>(IdentityConstants.ExternalScheme, options =>
        {
            options.Cookie.Protect(ExternalCookieName, builder.Configuration, SameSiteMode.Lax);
            options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        builder.Services.Configure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, options =>
        {
            var previous = options.Events.OnSigningIn;
            options.Events.OnSigningIn = async context =>
            {
                await previous(context);
                ProviderSecondFactor.OnSigningIn(context);
            };
        });
        builder.Services.Configure<SecurityStampValidatorOptions>(options =>
        {
            var previous = options.OnRefreshingPrincipal;
            options.OnRefreshingPrincipal = async context =>
            {
                if (previous is not null)
                {
                    await previous(context);
                }

                ProviderSecondFactor.OnRefreshingPrincipal(context);
            };
        });

        builder.Services.AddSingleton<IStartupFilter>(new ProviderFormAction(new Uri(sso.Authority!).GetLeftPart(UriPartial.Authority)));
        builder.Services.AddAuthentication().AddOpenIdConnect(Scheme, sso.DisplayName, oidc =>
        {
            oidc.SignInScheme = IdentityConstants.ExternalScheme;
            oidc.Authority = sso.Authority;
            oidc.ClientId = sso.ClientId;
            oidc.ClientSecret = sso.ClientSecret;
            oidc.ResponseType = "code";
            oidc.UsePkce = true;
            // Plain HTTP only for a loopback provider (the tests'); the options validator refuses it anywhere else.
            oidc.RequireHttpsMetadata = !(Uri.TryCreate(sso.Authority, UriKind.Absolute, out var authority) && SingleSignOnOptions.IsLoopback(authority));
            // Claim names as the provider sends them (sub, email, groups, amr), not mapped to WS-Federation URIs.
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = true;
            // The clinic never calls APIs with the person's tokens: none are kept.
            oidc.SaveTokens = false;
            oidc.DisableTelemetry = true;
            oidc.Scope.Clear();
            foreach (var scope in new[] { "openid", "profile", "email" }.Concat(sso.Scopes).Distinct(StringComparer.Ordinal))
            {
                oidc.Scope.Add(scope);
            }

            // auth_time (deleted by default) dates the provider's second factor for step-up.
            oidc.ClaimActions.Remove("auth_time");
            oidc.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
            oidc.ClaimActions.MapUniqueJsonKey("preferred_username", "preferred_username");
            oidc.ClaimActions.MapJsonKey(sso.RoleClaim, sso.RoleClaim);
            // Re-authentication for step-up: the provider must ask again, so its auth_time is fresh.
            oidc.Events.OnRedirectToIdentityProvider = context =>
            {
                if (context.Properties.Items.ContainsKey(SingleSignOnModel.ReauthenticateItem))
                {
                    context.ProtocolMessage.MaxAge = "0";
                    context.ProtocolMessage.Prompt = "login";
                }

                return Task.CompletedTask;
            };
            // A refusal or error at the provider (or a stale, replayed callback) is a page saying so, not a 500.
            oidc.Events.OnRemoteFailure = context =>
            {
                ProviderFailure(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOnExtensions)), context.Failure?.GetType().Name ?? "unknown");
                context.Response.Redirect("/account/sso/failed");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return builder;
    }

    // The failure's type only: its message can quote the provider's answer, which may name the person.
    [LoggerMessage(EventId = 1320, Level = LogLevel.Warning, Message = "Single sign-on did not complete at the identity provider ({FailureKind})")]
    private static partial void ProviderFailure(ILogger logger, string failureKind);
}

/// <summary>
/// When the identity provider did the second factor (its amr claim says so, or the clinic trusts it to), the session is
/// marked and the "must enrol a local second factor" claim is left out, at sign-in and at every refresh of the claims.
/// The mark comes only from this request's own SSO callback (an HttpContext item), never from anything the browser sends.
/// </summary>
internal static class ProviderSecondFactor
{
    public const string ClaimType = "clinic:provider-second-factor";
    private static readonly object ThisSignIn = new();

    /// <summary>Marks this request's sign-in; <paramref name="authTime"/> is the provider's auth_time claim (when it last asked the person).</summary>
    public static void MarkThisSignIn(HttpContext context, string? authTime) => context.Items[ThisSignIn] = authTime ?? "";

    /// <summary>
    /// When the provider's second factor was given, for the step-up claim: its auth_time, which may be hours before this
    /// sign-in (the provider's own session); none when missing, unreadable, in the future or already outside the window.
    /// </summary>
    public static DateTimeOffset? StepUpTime(string? authTime, DateTimeOffset now, TimeSpan window) =>
        long.TryParse(authTime, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && DateTimeOffset.FromUnixTimeSeconds(seconds) is var at && at <= now.AddMinutes(1) && now - at <= window
            ? at : null;

    public static void OnSigningIn(CookieSigningInContext context)
    {
        // A refresh of a session that began with the provider's second factor (the mark carried over by the refresh).
        if (!context.HttpContext.Items.ContainsKey(ThisSignIn) && context.Principal?.Identity is ClaimsIdentity refreshed && refreshed.HasClaim(claim => claim.Type == ClaimType))
        {
            WithoutEnrolment(refreshed);
        }

        if (context.HttpContext.Items.TryGetValue(ThisSignIn, out var authTime) && context.Principal?.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(ClaimType, "true"));
            identity.AddClaim(new Claim("amr", "mfa"));
            var services = context.HttpContext.RequestServices;
            var window = services.GetRequiredService<IConfiguration>().GetValue(StepUp.WindowKey, StepUp.DefaultWindow);
            if (!identity.HasClaim(claim => claim.Type == StepUp.ClaimType)
                && StepUpTime(authTime as string, services.GetRequiredService<TimeProvider>().GetUtcNow(), window) is { } at)
            {
                // As fresh as the provider's own sign-in, not this one: its session may be hours old.
                identity.AddClaim(StepUp.ClaimFor(at));
            }

            WithoutEnrolment(identity);
        }
    }

    public static void OnRefreshingPrincipal(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.HasClaim(claim => claim.Type == ClaimType) == true && context.NewPrincipal?.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(ClaimType, "true"));
            WithoutEnrolment(identity);
        }
    }

    private static void WithoutEnrolment(ClaimsIdentity identity)
    {
        foreach (var claim in identity.FindAll(StaffClaimsFactory.MustEnrolClaim).ToList())
        {
            identity.RemoveClaim(claim);
        }
    }
}

/// <summary>
/// The site's policy lets forms post only to itself (form-action 'self'), and browsers apply the policy of the page
/// holding a form to where its answer redirects too. The single sign-on button's answer is a redirect to the identity
/// provider, so the sign-in and confirmation pages (which hold the button) also allow the provider's origin; every other page keeps the
/// policy as it is. A startup filter, so its header callback runs after the one that writes the policy.
/// </summary>
internal sealed class ProviderFormAction(string providerOrigin) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Path.Equals(AccountsExtensions.LoginPath, StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.Equals(StepUp.ConfirmPath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.OnStarting(() =>
                {
                    var policy = context.Response.Headers.ContentSecurityPolicy.ToString();
                    if (policy.Contains("form-action 'self'", StringComparison.Ordinal))
                    {
                        context.Response.Headers.ContentSecurityPolicy = policy.Replace("form-action 'self'", $"form-action 'self' {providerOrigin}", StringComparison.Ordinal);
                    }

                    return Task.CompletedTask;
                });
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
