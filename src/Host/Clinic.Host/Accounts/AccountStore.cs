using Marten;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>The accounts' own Marten store, in its own schema.</summary>
public interface IAccountsStore : IDocumentStore;

/// <summary>
/// The operator's account commands, through Identity's UserManager (so every password passes
/// <see cref="PasswordRules"/> and every change renews the security stamp, ending the account's sessions).
/// Each command runs in its own scope, as a request would.
/// </summary>
internal sealed class AccountStore(IServiceScopeFactory scopes, TimeProvider time, IAccountChangeJournal journal)
{
    /// <summary>The actor every change made here is recorded under.</summary>
    public const string CommandLine = "command-line";

    /// <summary>Locked out now, by this store's clock.</summary>
    public bool IsLockedOut(StaffAccount account) => account.IsLockedOut(time.GetUtcNow());

    public async Task<string?> CreateAsync(string userName, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        if (UserNameProblem(userName) is { } problem)
        {
            return problem;
        }

        if (roles.Count == 0 || roles.Any(role => !StaffAccount.KnownRoles.Contains(role)))
        {
            return $"Give one or more roles of: {string.Join(", ", StaffAccount.KnownRoles)}.";
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffAccount>>();
        var account = new StaffAccount { UserName = userName.Trim(), Roles = [.. roles.Distinct()] };
        var result = await users.CreateAsync(account, password);
        if (result.Succeeded)
        {
            await journal.RecordAsync(new AccountChangeEntry(CommandLine, account.Id, "created", $"roles {string.Join(", ", account.Roles)}"), cancellationToken);
        }

        return result.Succeeded ? null
            : result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName)) ? $"An account named '{userName}' already exists."
            : Describe(result);
    }

    /// <summary>Why a user name cannot be used, or null.</summary>
    public static string? UserNameProblem(string? userName) =>
        string.IsNullOrWhiteSpace(userName) || userName.Trim().Length > 64 || userName.Any(char.IsWhiteSpace) || userName.StartsWith('-')
            ? "A user name is 1 to 64 characters without spaces, not starting with '-'."
            : null;

    /// <summary>A new password; unlocks the account and ends its sessions. The second factor stays as it is (ASVS 6.4.3).</summary>
    public Task<string?> ResetPasswordAsync(string userName, string password, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, "password-reset", async (users, account) =>
        {
            foreach (var validator in users.PasswordValidators)
            {
                var validation = await validator.ValidateAsync(users, account, password);
                if (!validation.Succeeded)
                {
                    return validation;
                }
            }

            account.PasswordHash = users.PasswordHasher.HashPassword(account, password);
            account.FailedSignIns = 0;
            account.LockedUntil = null;
            return await users.UpdateSecurityStampAsync(account);
        }, revokeLinks: true);

    /// <summary>Removes the authenticator, the recovery codes and the passkeys; the account enrols again at its next sign-in if it must.</summary>
    public Task<string?> ResetSecondFactorAsync(string userName, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, "second-factor-reset", (users, account) =>
        {
            account.TwoFactorEnabled = false;
            account.AuthenticatorKey = null;
            account.RecoveryCodeSalt = null;
            account.RecoveryCodeHashes = [];
            account.Passkeys = [];
            return users.UpdateSecurityStampAsync(account);
        });

    public Task<string?> SetDisabledAsync(string userName, bool disabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, disabled ? "disabled" : "enabled", (users, account) =>
        {
            account.Disabled = disabled;
            return users.UpdateSecurityStampAsync(account);
        }, revokeLinks: disabled);

    public async Task<IReadOnlyList<StaffAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var session = scope.ServiceProvider.GetRequiredService<IAccountsStore>().QuerySession();
        return await session.Query<StaffAccount>().OrderBy(a => a.Id).ToListAsync(cancellationToken);
    }

    /// <param name="revokeLinks">Whether e-mailed invitation and reset links stop working (the operator replaced what they would set).</param>
    private async Task<string?> ChangeAsync(string userName, string changeName, Func<UserManager<StaffAccount>, StaffAccount, Task<IdentityResult>> change, bool revokeLinks = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffAccount>>();
        var account = await users.FindByNameAsync(userName);
        if (account is null)
        {
            return $"There is no account named '{userName}'.";
        }

        var result = await change(users, account);
        if (!result.Succeeded)
        {
            return Describe(result);
        }

        if (revokeLinks)
        {
            await using var session = scope.ServiceProvider.GetRequiredService<IAccountsStore>().LightweightSession();
            await Administration.AccountAdministration.RevokeOpenLinksAsync(session, account.Id, time.GetUtcNow(), CancellationToken.None);
            await session.SaveChangesAsync(CancellationToken.None);
        }

        await journal.RecordAsync(new AccountChangeEntry(CommandLine, account.Id, changeName), CancellationToken.None);
        return null;
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
