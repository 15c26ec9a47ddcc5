using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

/// <summary>
/// Identity's sign-in, with three things the clinic adds: a refused attempt costs the same password
/// verification whether or not the name exists and whether or not the account may sign in (so timing does
/// not tell names apart); a wrong recovery code counts towards lockout like a wrong authenticator code; and
/// the outcome is logged by kind only, never with a name, code or password.
/// </summary>
internal sealed partial class StaffSignInManager(
    UserManager<StaffAccount> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<StaffAccount> claimsFactory,
    IOptions<IdentityOptions> options,
    ILogger<SignInManager<StaffAccount>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<StaffAccount> confirmation,
    ILogger<StaffSignInManager> outcomes)
    : SignInManager<StaffAccount>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<StaffAccount>().HashPassword(new StaffAccount(), Guid.NewGuid().ToString()));

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            VerifyDecoy(password);
            return await RecordedAsync(null, SignInMethods.Password, "password", SignInResult.Failed);
        }

        return await RecordedAsync(user.Id, SignInMethods.Password, "password", await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure));
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        return await RecordedAsync(user?.Id, SignInMethods.Authenticator, "authenticator code", await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient));
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(StaffAccount user, string password, bool lockoutOnFailure)
    {
        // Disabled or locked: refused before the password is looked at, so spend the same time on a decoy.
        if (await PreSignInCheck(user) is { } refused)
        {
            VerifyDecoy(password);
            return refused;
        }

        return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        return await RecordedAsync(user?.Id, SignInMethods.RecoveryCode, "recovery code", await RecoveryCodeSignInAsync(recoveryCode));
    }

    private async Task<SignInResult> RecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return SignInResult.Failed;
        }

        // Identity's recovery-code sign-in skips the checks its other paths make: an account disabled or locked
        // since its password was given must not be let in by a recovery code.
        if (await PreSignInCheck(user) is { } refused)
        {
            return refused;
        }

        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (result.Succeeded)
        {
            return result;
        }

        // Identity does not count wrong recovery codes; the clinic does, like wrong authenticator codes.
        await UserManager.AccessFailedAsync(user);
        return await UserManager.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    private SignInResult Logged(string step, SignInResult result)
    {
        var outcome = result.Succeeded ? "signed in" : result.RequiresTwoFactor ? "second factor needed" : result.IsLockedOut ? "locked out"
            : result.IsNotAllowed ? "account disabled" : "refused";
        SignInStep(outcomes, step, outcome);
        return result;
    }

    // By kind only: names, passwords and codes stay out of logs. Who signed in, when, goes to the sign-in record.
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Sign-in by {Step}: {Outcome}")]
    private static partial void SignInStep(ILogger logger, string step, string outcome);

    private void VerifyDecoy(string password) =>
        UserManager.PasswordHasher.VerifyHashedPassword(new StaffAccount(), DecoyHash.Value, password);
}

/// <summary>A disabled account may not sign in (Identity asks this of every sign-in when accounts must be "confirmed").</summary>
internal sealed class EnabledAccountConfirmation : IUserConfirmation<StaffAccount>
{
    public Task<bool> IsConfirmedAsync(UserManager<StaffAccount> manager, StaffAccount user) => Task.FromResult(!user.Disabled);
}

/// <summary>
/// The session's claims, made afresh at sign-in and at every security-stamp check: name, roles, and whether the
/// account still has to set up its second factor (then <see cref="AccessPolicies"/> let it reach only enrolment).
/// </summary>
internal sealed class StaffClaimsFactory(UserManager<StaffAccount> users, IOptions<IdentityOptions> options, SecondFactorPolicy secondFactor)
    : UserClaimsPrincipalFactory<StaffAccount>(users, options)
{
    public const string MustEnrolClaim = "clinic:second-factor-enrolment";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffAccount user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(user.Roles.Select(role => new Claim(Options.ClaimsIdentity.RoleClaimType, role)));
        if (!user.HasSecondFactor && (await secondFactor.CurrentAsync()).AppliesTo(user.Roles))
        {
            identity.AddClaim(new Claim(MustEnrolClaim, "required"));
        }

        return identity;
    }
}

/// <summary>
/// Who must sign in with a second factor: <c>Accounts:RequireSecondFactor</c> is "none", "all", or roles
/// (a comma-separated string or a list), until an admin sets a rule of their own (<see cref="SecondFactorPolicy"/>).
/// An unknown value stops the host at startup rather than silently requiring less.
/// </summary>
internal sealed class SecondFactorRequirement
{
    public const string Key = "Accounts:RequireSecondFactor";

    private SecondFactorRequirement(bool everyone, IReadOnlySet<string> roles) => (Everyone, Roles) = (everyone, roles);

    public bool Everyone { get; }

    public IReadOnlySet<string> Roles { get; }

    public bool AppliesTo(IEnumerable<string> roles) => Everyone || roles.Any(Roles.Contains);

    public static SecondFactorRequirement Of(bool everyone, IEnumerable<string> roles) =>
        new(everyone, everyone ? new HashSet<string>() : roles.ToHashSet(StringComparer.Ordinal));

    public static SecondFactorRequirement From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Key);
        var values = section.Value is { } single
            ? single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [.. section.GetChildren().Select(child => child.Value?.Trim() ?? "").Where(value => value.Length > 0)];
        if (values.Length == 0 || (values.Length == 1 && values[0].Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            return new(false, new HashSet<string>());
        }

        if (values.Length == 1 && values[0].Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return new(true, new HashSet<string>());
        }

        var roles = values.Select(value => StaffAccount.KnownRoles.FirstOrDefault(role => role.Equals(value, StringComparison.OrdinalIgnoreCase))).ToList();
        return roles.Contains(null)
            ? throw new InvalidOperationException($"{Key} must be \"none\", \"all\", or roles of: {string.Join(", ", StaffAccount.KnownRoles)}.")
            : new(false, roles.OfType<string>().ToHashSet(StringComparer.Ordinal));
    }
}
