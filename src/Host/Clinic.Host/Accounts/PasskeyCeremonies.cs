using System.Security.Cryptography;
using System.Text.Json;
using Clinic.Host.Shell;
using Microsoft.AspNetCore.DataProtection;

namespace Clinic.Host.Accounts;

/// <summary>
/// Carries a passkey ceremony's state (Identity's challenge and expectations) from the options request to the answer,
/// in a short-lived protected cookie of its own. Identity's SignInManager keeps this state in the cookie of the
/// half-finished two-step sign-in, which would end that sign-in the moment someone on the code page chose
/// a passkey and then cancelled; a separate cookie leaves both ways open.
/// </summary>
internal sealed class PasskeyCeremonies(IDataProtectionProvider protection, TimeProvider time, IConfiguration configuration)
{
    public const string CookieName = "clinic.passkey";
    public const string Registration = "registration";
    public const string SignIn = "sign-in";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly IDataProtector _protector = protection.CreateProtector("Clinic.Accounts.PasskeyCeremony");

    public void Begin(HttpContext context, string operation, string state)
    {
        var cookie = new CookieBuilder();
        cookie.Protect(CookieName, configuration);
        context.Response.Cookies.Append(cookie.Name!, Seal(_protector, operation, state, time.GetUtcNow()), cookie.Build(context, time.GetUtcNow()));
    }

    /// <summary>The state of the ceremony begun for <paramref name="operation"/>, once: the cookie is removed.</summary>
    public string? Take(HttpContext context, string operation)
    {
        var cookie = new CookieBuilder();
        cookie.Protect(CookieName, configuration);
        if (!context.Request.Cookies.TryGetValue(cookie.Name!, out var value))
        {
            return null;
        }

        context.Response.Cookies.Delete(cookie.Name!, cookie.Build(context));
        return Unseal(_protector, value, operation, time.GetUtcNow());
    }

    public static string Seal(IDataProtector protector, string operation, string state, DateTimeOffset now) =>
        protector.Protect(JsonSerializer.Serialize(new Sealed(operation, state, now + Lifetime)));

    /// <summary>Null when the value was altered, was made for another operation, or has expired.</summary>
    public static string? Unseal(IDataProtector protector, string value, string operation, DateTimeOffset now)
    {
        try
        {
            var opened = JsonSerializer.Deserialize<Sealed>(protector.Unprotect(value));
            return opened is not null && opened.Operation == operation && now < opened.Expires ? opened.State : null;
        }
        catch (Exception exception) when (exception is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private sealed record Sealed(string Operation, string State, DateTimeOffset Expires);
}
