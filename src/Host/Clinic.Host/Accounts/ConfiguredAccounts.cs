using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

internal sealed class AccountsOptions
{
    public const string Section = "Accounts";

    public List<ConfiguredUser> Users { get; set; } = [];
}

/// <summary>A staff or auditor account from configuration. Only the password's hash is ever configured.</summary>
internal sealed class ConfiguredUser
{
    public string UserName { get; set; } = "";

    /// <summary>An ASP.NET Core Identity password hash (make one with: Clinic.Host hash-password).</summary>
    public string PasswordHash { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

/// <summary>Checks sign-in attempts against the configured accounts.</summary>
internal sealed class ConfiguredAccounts(IOptionsMonitor<AccountsOptions> options)
{
    private static readonly PasswordHasher<ConfiguredUser> Hasher = new();

    // Verifying against a real hash for unknown names keeps response times from revealing which names exist.
    private static readonly string DecoyHash = Hasher.HashPassword(new ConfiguredUser(), Guid.NewGuid().ToString());

    public ClaimsPrincipal? SignIn(string userName, string password, string authenticationScheme)
    {
        var user = options.CurrentValue.Users.FirstOrDefault(u =>
            string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));
        var hash = string.IsNullOrEmpty(user?.PasswordHash) ? DecoyHash : user.PasswordHash;

        PasswordVerificationResult result;
        try
        {
            result = Hasher.VerifyHashedPassword(user ?? new ConfiguredUser(), hash, password);
        }
        catch (FormatException)
        {
            result = PasswordVerificationResult.Failed;
        }

        if (user is null || string.IsNullOrEmpty(user.PasswordHash) || result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user.UserName) };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationScheme));
    }

    public static string HashPassword(string password) => Hasher.HashPassword(new ConfiguredUser(), password);
}
