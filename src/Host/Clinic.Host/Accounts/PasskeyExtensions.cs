using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Clinic.Host.Accounts;

/// <summary>Passkeys (WebAuthn) on Identity's passkey handler: a second factor and a passwordless sign-in.</summary>
internal static class PasskeyExtensions
{
    /// <summary>The relying-party id: the host name people use (for example clinic.example.org). Unset: the request's host.</summary>
    public const string ServerDomainKey = "Accounts:Passkeys:ServerDomain";

    public static IHostApplicationBuilder AddClinicPasskeys(this IHostApplicationBuilder builder)
    {
        var serverDomain = builder.Configuration[ServerDomainKey];
        builder.Services.Configure<IdentityPasskeyOptions>(options =>
        {
            options.ServerDomain = string.IsNullOrWhiteSpace(serverDomain) ? null : serverDomain.Trim();
            // Always the device's PIN or biometrics, so a passkey is a full second factor on its own.
            options.UserVerificationRequirement = "required";
            options.ResidentKeyRequirement = "required";
            options.ValidateOrigin = context => ValueTask.FromResult(PasskeyOrigins.IsExpected(context.Origin, context.CrossOrigin, context.HttpContext.Request));
        });
        builder.Services.TryAddScoped<IPasskeyHandler<StaffAccount>, PasskeyHandler<StaffAccount>>();
        builder.Services.AddSingleton<PasskeyCeremonies>();
        return builder;
    }
}

/// <summary>
/// Which page may have used a passkey: the site itself, as the browser reached it, never from inside another site's frame.
/// Identity's default compares with the request's Origin header, which browsers send as "null" on a form post from a
/// page with Referrer-Policy no-referrer (the clinic's); the host the request came to (already checked against
/// AllowedHosts) says the same thing.
/// </summary>
internal static class PasskeyOrigins
{
    public static bool IsExpected(string origin, bool crossOrigin, HttpRequest request) =>
        IsExpected(origin, crossOrigin, request.Scheme, request.Host.Value);

    public static bool IsExpected(string origin, bool crossOrigin, string scheme, string? host) =>
        !crossOrigin && !string.IsNullOrEmpty(host) && string.Equals(origin, $"{scheme}://{host}", StringComparison.OrdinalIgnoreCase);
}
