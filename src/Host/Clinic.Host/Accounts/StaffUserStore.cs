using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>
/// ASP.NET Core Identity's view of the accounts: its store interfaces over the <see cref="StaffAccount"/> document
/// in the accounts schema. One lightweight session per request scope, as Identity expects of a store (like a
/// DbContext): a document loaded and then updated in the same scope carries its version, so two requests changing
/// one account at once (two sign-ins racing) get a concurrency failure rather than a lost update.
/// </summary>
internal sealed partial class StaffUserStore(IAccountsStore store) :
    IUserPasswordStore<StaffAccount>,
    IUserSecurityStampStore<StaffAccount>,
    IUserRoleStore<StaffAccount>,
    IUserLockoutStore<StaffAccount>,
    IUserTwoFactorStore<StaffAccount>,
    IUserAuthenticatorKeyStore<StaffAccount>,
    IUserTwoFactorRecoveryCodeStore<StaffAccount>
{
    private IDocumentSession? _session;

    private IDocumentSession Session => _session ??= store.LightweightSession();

    public void Dispose() => _session?.Dispose();

    // --- IUserStore

    public Task<string> GetUserIdAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(StaffAccount user, string? userName, CancellationToken cancellationToken)
    {
        user.UserName = userName?.Trim() ?? "";
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedUserNameAsync(StaffAccount user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(user.Id.ToUpperInvariant());

    /// <summary>The id is the normalised name; it is set once, when the account is created.</summary>
    public Task SetNormalizedUserNameAsync(StaffAccount user, string? normalizedName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(user.Id) && normalizedName is not null)
        {
            user.Id = StaffAccount.IdFor(normalizedName);
        }

        return Task.CompletedTask;
    }

    public async Task<IdentityResult> CreateAsync(StaffAccount user, CancellationToken cancellationToken)
    {
        Session.Insert(user);
        try
        {
            await Session.SaveChangesAsync(cancellationToken);
            return IdentityResult.Success;
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().DuplicateUserName(user.UserName));
        }
    }

    public async Task<IdentityResult> UpdateAsync(StaffAccount user, CancellationToken cancellationToken)
    {
        Session.Store(user);
        try
        {
            await Session.SaveChangesAsync(cancellationToken);
            return IdentityResult.Success;
        }
        catch (JasperFx.ConcurrencyException)
        {
            return IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
        }
    }

    public async Task<IdentityResult> DeleteAsync(StaffAccount user, CancellationToken cancellationToken)
    {
        Session.Delete(user);
        await Session.SaveChangesAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public Task<StaffAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        Session.LoadAsync<StaffAccount>(StaffAccount.IdFor(userId), cancellationToken);

    public Task<StaffAccount?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        Session.LoadAsync<StaffAccount>(StaffAccount.IdFor(normalizedUserName), cancellationToken);

    // --- IUserPasswordStore

    public Task SetPasswordHashAsync(StaffAccount user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash ?? "";
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(StaffAccount user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(string.IsNullOrEmpty(user.PasswordHash) ? null : user.PasswordHash);

    public Task<bool> HasPasswordAsync(StaffAccount user, CancellationToken cancellationToken) =>
        Task.FromResult(!string.IsNullOrEmpty(user.PasswordHash));

    // --- IUserSecurityStampStore

    public Task SetSecurityStampAsync(StaffAccount user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    // --- IUserRoleStore: roles are names on the account (no role documents); the principal carries them as claims.

    public Task AddToRoleAsync(StaffAccount user, string roleName, CancellationToken cancellationToken)
    {
        var role = KnownRole(roleName) ?? throw new InvalidOperationException("Unknown role.");
        if (!user.Roles.Contains(role))
        {
            user.Roles.Add(role);
        }

        return Task.CompletedTask;
    }

    public Task RemoveFromRoleAsync(StaffAccount user, string roleName, CancellationToken cancellationToken)
    {
        user.Roles.RemoveAll(role => string.Equals(role, roleName, StringComparison.OrdinalIgnoreCase));
        return Task.CompletedTask;
    }

    public Task<IList<string>> GetRolesAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult<IList<string>>([.. user.Roles]);

    public Task<bool> IsInRoleAsync(StaffAccount user, string roleName, CancellationToken cancellationToken) =>
        Task.FromResult(user.Roles.Any(role => string.Equals(role, roleName, StringComparison.OrdinalIgnoreCase)));

    public async Task<IList<StaffAccount>> GetUsersInRoleAsync(string roleName, CancellationToken cancellationToken)
    {
        if (KnownRole(roleName) is not { } role)
        {
            return [];
        }

        return [.. await Session.Query<StaffAccount>().Where(account => account.Roles.Contains(role)).ToListAsync(cancellationToken)];
    }

    private static string? KnownRole(string name) => StaffAccount.KnownRoles.FirstOrDefault(role => string.Equals(role, name, StringComparison.OrdinalIgnoreCase));

    // --- IUserLockoutStore: every account can be locked out.

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.LockedUntil);

    public Task SetLockoutEndDateAsync(StaffAccount user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockedUntil = lockoutEnd;
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(++user.FailedSignIns);

    public Task ResetAccessFailedCountAsync(StaffAccount user, CancellationToken cancellationToken)
    {
        user.FailedSignIns = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.FailedSignIns);

    public Task<bool> GetLockoutEnabledAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SetLockoutEnabledAsync(StaffAccount user, bool enabled, CancellationToken cancellationToken) => Task.CompletedTask;

    // --- IUserTwoFactorStore, IUserAuthenticatorKeyStore

    public Task SetTwoFactorEnabledAsync(StaffAccount user, bool enabled, CancellationToken cancellationToken)
    {
        user.TwoFactorEnabled = enabled;
        return Task.CompletedTask;
    }

    public Task<bool> GetTwoFactorEnabledAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.TwoFactorEnabled);

    public Task SetAuthenticatorKeyAsync(StaffAccount user, string key, CancellationToken cancellationToken)
    {
        user.AuthenticatorKey = key;
        return Task.CompletedTask;
    }

    public Task<string?> GetAuthenticatorKeyAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.AuthenticatorKey);

    // --- IUserTwoFactorRecoveryCodeStore: Identity hands the codes in plain; only their hashes are kept.

    public Task ReplaceCodesAsync(StaffAccount user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        user.RecoveryCodeSalt = Convert.ToBase64String(salt);
        user.RecoveryCodeHashes = [.. recoveryCodes.Select(code => RecoveryCodes.Hash(salt, code))];
        return Task.CompletedTask;
    }

    public Task<bool> RedeemCodeAsync(StaffAccount user, string code, CancellationToken cancellationToken)
    {
        if (user.RecoveryCodeSalt is null || user.RecoveryCodeHashes.Count == 0)
        {
            return Task.FromResult(false);
        }

        var hash = RecoveryCodes.Hash(Convert.FromBase64String(user.RecoveryCodeSalt), code);
        var match = user.RecoveryCodeHashes.FirstOrDefault(stored => RecoveryCodes.SameHash(stored, hash));
        return Task.FromResult(match is not null && user.RecoveryCodeHashes.Remove(match));
    }

    public Task<int> CountCodesAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.RecoveryCodeHashes.Count);
}

/// <summary>
/// Recovery codes are stored as PBKDF2 hashes with one salt per account, so a copy of the database does not give
/// them away, and redeeming costs one derivation however many codes are left.
/// </summary>
internal static class RecoveryCodes
{
    public const int Count = 10;
    private const int Iterations = 10_000;

    /// <summary>Hyphens, spaces and case do not matter when a person types a code.</summary>
    public static string Normalise(string code) => new([.. code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);

    public static string Hash(byte[] salt, string code) => Convert.ToBase64String(
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Normalise(code)), salt, Iterations, HashAlgorithmName.SHA256, 32));

    public static bool SameHash(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
