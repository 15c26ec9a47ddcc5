namespace Clinic.Host.Accounts;

/// <summary>
/// A staff, auditor or admin account: the Marten document behind ASP.NET Core Identity's stores
/// (<see cref="StaffUserStore"/>). Created, disabled and reset from the command line (Clinic.Host users …);
/// the repository and configuration hold no passwords. Passkeys and external (OpenID Connect) logins, when
/// they come, are further lists on this document, read and written by the same store
/// (docs/adr/0007-identity-over-the-marten-accounts-document.md).
/// </summary>
internal sealed partial class StaffAccount
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public static readonly string[] KnownRoles = StaffRoles.All;

    /// <summary>The user name, lower-cased: names are case-insensitive. Identity's user id.</summary>
    public string Id { get; set; } = "";

    public string UserName { get; set; } = "";

    /// <summary>Identity's PBKDF2 format (<see cref="Microsoft.AspNetCore.Identity.PasswordHasher{TUser}"/>), unchanged since before Identity ran sign-in.</summary>
    public string PasswordHash { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public bool Disabled { get; set; }

    /// <summary>Failed attempts (password or second factor) since the last success or lockout.</summary>
    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Changes when the password, the second factor or the account's state changes: sessions issued before are refused.</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString();

    /// <summary>Whether sign-in asks for a second factor (set once the authenticator is confirmed).</summary>
    public bool TwoFactorEnabled { get; set; }

    /// <summary>The TOTP shared secret (Base32), as Identity's authenticator token provider reads it.</summary>
    public string? AuthenticatorKey { get; set; }

    /// <summary>Salt for <see cref="RecoveryCodeHashes"/>, one per account, replaced with the codes.</summary>
    public string? RecoveryCodeSalt { get; set; }

    /// <summary>The unused recovery codes, hashed (<see cref="RecoveryCodes"/>); a code is removed when used.</summary>
    public List<string> RecoveryCodeHashes { get; set; } = [];

    public static string IdFor(string userName) => userName.Trim().ToLowerInvariant();

    public bool IsLockedOut(DateTimeOffset now) => LockedUntil > now;
}
