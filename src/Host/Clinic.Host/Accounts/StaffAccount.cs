using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>
/// A staff, auditor or admin account. Created, disabled and reset only from the command line
/// (Clinic.Host users …); the repository and configuration hold no passwords.
/// </summary>
internal sealed class StaffAccount
{
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public const int MinimumPasswordLength = 12;
    public static readonly string[] KnownRoles = StaffRoles.All;
    private static readonly PasswordHasher<StaffAccount> Hasher = new();

    // Verifying against a real hash for unknown names keeps response times from revealing which names exist.
    private static readonly string DecoyHash = Hasher.HashPassword(new StaffAccount(), Guid.NewGuid().ToString());

    /// <summary>The user name, lower-cased: names are case-insensitive.</summary>
    public string Id { get; set; } = "";

    public string UserName { get; set; } = "";

    public string PasswordHash { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    public bool Disabled { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>Changes when the password is reset or the account disabled: sessions issued before are refused.</summary>
    public Guid SecurityStamp { get; set; } = Guid.NewGuid();

    public static string IdFor(string userName) => userName.Trim().ToLowerInvariant();

    public bool IsLockedOut(DateTimeOffset now) => LockedUntil > now;

    public void SetPassword(string password)
    {
        PasswordHash = Hasher.HashPassword(this, password);
        FailedSignIns = 0;
        LockedUntil = null;
        SecurityStamp = Guid.NewGuid();
    }

    /// <summary>Checks the password and records the outcome: repeated failures lock the account for a while.</summary>
    public bool TrySignIn(string password, DateTimeOffset now)
    {
        var matches = Verify(this, password);
        if (Disabled || IsLockedOut(now))
        {
            return false;
        }

        if (matches)
        {
            FailedSignIns = 0;
            LockedUntil = null;
            return true;
        }

        if (++FailedSignIns >= MaxFailedSignIns)
        {
            FailedSignIns = 0;
            LockedUntil = now + LockoutDuration;
        }

        return false;
    }

    /// <summary>Spends the same time on an unknown name as on a real account.</summary>
    public static void VerifyDecoy(string password) => Verify(null, password);

    public static string? CheckPassword(string password) => password.Length < MinimumPasswordLength
        ? $"Passwords need at least {MinimumPasswordLength} characters."
        : null;

    private static bool Verify(StaffAccount? account, string password)
    {
        try
        {
            var hash = string.IsNullOrEmpty(account?.PasswordHash) ? DecoyHash : account.PasswordHash;
            return Hasher.VerifyHashedPassword(account ?? new StaffAccount(), hash, password) != PasswordVerificationResult.Failed
                && account is not null && !string.IsNullOrEmpty(account.PasswordHash);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
