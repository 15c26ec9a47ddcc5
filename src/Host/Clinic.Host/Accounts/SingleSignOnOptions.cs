using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

/// <summary>
/// <c>Accounts:SingleSignOn</c>: OpenID Connect sign-in with the clinic's identity provider. Off while
/// <see cref="Authority"/> is empty.
/// </summary>
internal sealed class SingleSignOnOptions
{
    public const string Section = "Accounts:SingleSignOn";

    /// <summary>The identity provider's issuer URL (its discovery document is below it).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Shown on the button: "Sign in with …".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>The claim whose values map to roles, for example "groups" or "roles".</summary>
    public string RoleClaim { get; set; } = "groups";

    public List<RoleMapping> RoleMap { get; set; } = [];

    /// <summary>Scopes to ask for besides openid, profile and email (for example "groups", when the provider needs it).</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>A person's first sign-in creates their account (with the mapped roles).</summary>
    public bool CreateAccounts { get; set; }

    /// <summary>
    /// A person's first sign-in links to the existing account whose user name is their e-mail address, when the
    /// provider says that address is verified (email_verified). Never to a break-glass account.
    /// </summary>
    public bool LinkByEmail { get; set; }

    /// <summary>When false, the password form refuses every account but the <see cref="BreakGlassAccounts"/>.</summary>
    public bool LocalPasswords { get; set; } = true;

    /// <summary>User names that may still sign in with a password when <see cref="LocalPasswords"/> is false.</summary>
    public List<string> BreakGlassAccounts { get; set; } = [];

    /// <summary>
    /// The clinic enforces multi-factor sign-in at the identity provider, so every single sign-on counts as the second
    /// factor. When false, only a sign-in whose amr claim names a second factor does.
    /// </summary>
    public bool TrustProviderMfa { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public bool IsBreakGlass(string? userName) =>
        userName is not null && BreakGlassAccounts.Any(name => string.Equals(name.Trim(), userName.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a sign-in without the identity provider (a password, or a passwordless passkey) is refused for this
    /// account: single sign-on is on, local sign-in is off, and the account is not a break-glass one.
    /// </summary>
    public bool RefusesLocalSignIn(string? userName) => Enabled && !LocalPasswords && !IsBreakGlass(userName);

    /// <summary>The roles the person's claims map to, in the clinic's role order; empty when none is mapped.</summary>
    public IReadOnlyList<string> RolesFor(ClaimsPrincipal person)
    {
        var values = person.FindAll(RoleClaim).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);
        var mapped = RoleMap.Where(entry => values.Contains(entry.Claim)).Select(entry => entry.Role).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. StaffRoles.All.Where(mapped.Contains)];
    }

    /// <summary>Authentication-method references (RFC 8176) that mean the provider asked for more than a password.</summary>
    public static readonly IReadOnlySet<string> SecondFactorMethods = new HashSet<string>(StringComparer.Ordinal) { "mfa", "otp", "hwk", "sc" };

    /// <summary>Whether this sign-in satisfies the clinic's second-factor requirement without the local one.</summary>
    public bool SatisfiesSecondFactor(ClaimsPrincipal person) =>
        TrustProviderMfa || person.FindAll("amr").Any(claim => SecondFactorMethods.Contains(claim.Value));

    /// <summary>Whether the authority may be fetched over plain HTTP: only a loopback one (the tests' provider).</summary>
    public static bool IsLoopback(Uri authority) =>
        authority.IsLoopback || (IPAddress.TryParse(authority.Host, out var address) && IPAddress.IsLoopback(address));
}

/// <summary>One line of the role map: people whose role claim has <see cref="Claim"/> get <see cref="Role"/>.</summary>
internal sealed class RoleMapping
{
    public string Claim { get; set; } = "";

    public string Role { get; set; } = "";
}

/// <summary>Refuses to start with a single sign-on configuration that could not work or would lock everyone out, naming the key.</summary>
internal sealed class SingleSignOnOptionsValidator : IValidateOptions<SingleSignOnOptions>
{
    public ValidateOptionsResult Validate(string? name, SingleSignOnOptions options)
    {
        const string at = SingleSignOnOptions.Section;
        var errors = new List<string>();
        if (!options.Enabled)
        {
            if (!options.LocalPasswords)
            {
                errors.Add($"{at}:LocalPasswords is false but {at}:Authority is empty: with single sign-on off, nobody but the break-glass accounts could sign in.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{at}:Authority must be the identity provider's issuer URL (https://…).");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && !SingleSignOnOptions.IsLoopback(authority))
        {
            errors.Add($"{at}:Authority must use https (plain http is accepted only on loopback, for tests).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{at}:ClientId is empty: give the client id the identity provider registered for the clinic.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            errors.Add($"{at}:ClientSecret is empty: give the client secret the identity provider issued for the clinic.");
        }

        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            errors.Add($"{at}:RoleClaim is empty: name the claim that carries groups or roles (for example \"groups\").");
        }

        if (string.IsNullOrWhiteSpace(options.DisplayName))
        {
            errors.Add($"{at}:DisplayName is empty: it is shown on the sign-in button.");
        }

        if (options.RoleMap.Count == 0)
        {
            errors.Add($"{at}:RoleMap is empty: nobody could sign in; map claim values to roles ({string.Join(", ", StaffRoles.All)}).");
        }

        for (var i = 0; i < options.RoleMap.Count; i++)
        {
            var entry = options.RoleMap[i];
            if (string.IsNullOrWhiteSpace(entry.Claim))
            {
                errors.Add($"{at}:RoleMap:{i}:Claim is empty.");
            }

            if (!StaffRoles.All.Contains(entry.Role, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{at}:RoleMap:{i}:Role '{entry.Role}' is not one of {string.Join(", ", StaffRoles.All)}.");
            }
        }

        if (!options.LocalPasswords && options.BreakGlassAccounts.All(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{at}:BreakGlassAccounts is empty while {at}:LocalPasswords is false: keep at least one admin account that can sign in with a password if the identity provider is down.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
