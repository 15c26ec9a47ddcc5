using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clinic.Host.Accounts;

/// <summary>Sign-in records, tracked sessions, step-up and single-use authenticator codes.</summary>
internal static class SessionsExtensions
{
    /// <summary>The claims a session keeps when Identity remakes its principal at each security-stamp check.</summary>
    private static readonly string[] CarriedClaims = [SessionStore.SessionClaim, StepUp.ClaimType, "amr", ClaimTypes.AuthenticationMethod];

    public static IHostApplicationBuilder AddClinicSessions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.ConfigureMarten<IAccountsStore>(options =>
        {
            options.Schema.For<SignInRecord>().Index(r => r.AccountId).Index(r => r.Time);
            options.Schema.For<SignInSession>().Index(s => s.AccountId);
        });
        services.Replace(ServiceDescriptor.Singleton<ISignInJournal, StoredSignInJournal>());
        services.AddSingleton<SessionStore>();

        // Chained: single sign-on also carries its own claims across a refresh.
        services.Configure<SecurityStampValidatorOptions>(options =>
        {
            var previous = options.OnRefreshingPrincipal;
            options.OnRefreshingPrincipal = async context =>
            {
                if (previous is not null)
                {
                    await previous(context);
                }

                CarryOver(context);
            };
        });
        static void CarryOver(SecurityStampRefreshingPrincipalContext context)
        {
            if (context.NewPrincipal?.Identity is ClaimsIdentity fresh && context.CurrentPrincipal is { } current)
            {
                foreach (var claim in current.Claims.Where(c => CarriedClaims.Contains(c.Type) && !fresh.HasClaim(c.Type, c.Value)))
                {
                    fresh.AddClaim(new Claim(claim.Type, claim.Value, claim.ValueType));
                }
            }
        }

        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, options =>
        {
            // The session check first: an ended session is refused before Identity remakes its principal.
            var stampCheck = options.Events.OnValidatePrincipal;
            options.Events.OnValidatePrincipal = async context =>
            {
                await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().ValidateAsync(context);
                if (context.Principal is not null)
                {
                    await stampCheck(context);
                }
            };
        });

        services.AddSingleton<IAuthorizationHandler, RecentSecondFactorHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, StepUpResultHandler>();

        services.AddTransient<SingleUseAuthenticatorTokenProvider>();
        services.Configure<IdentityOptions>(options =>
            options.Tokens.ProviderMap[TokenOptions.DefaultAuthenticatorProvider] = new TokenProviderDescriptor(typeof(SingleUseAuthenticatorTokenProvider)));
        return builder;
    }
}
