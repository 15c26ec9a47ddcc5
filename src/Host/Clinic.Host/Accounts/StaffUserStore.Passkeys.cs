using Marten;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>Identity's passkey store over the account document's <see cref="StaffAccount.Passkeys"/>.</summary>
internal sealed partial class StaffUserStore : IUserPasskeyStore<StaffAccount>
{
    public Task AddOrUpdatePasskeyAsync(StaffAccount user, UserPasskeyInfo passkey, CancellationToken cancellationToken)
    {
        var stored = StoredPasskey.From(passkey);
        var index = user.Passkeys.FindIndex(existing => existing.CredentialId == stored.CredentialId);
        if (index < 0)
        {
            user.Passkeys.Add(stored);
        }
        else
        {
            // A sign-in updates the counter and flags; the name the person gave stays unless a new one is given.
            stored.Name ??= user.Passkeys[index].Name;
            user.Passkeys[index] = stored;
        }

        return Task.CompletedTask;
    }

    public Task<IList<UserPasskeyInfo>> GetPasskeysAsync(StaffAccount user, CancellationToken cancellationToken) =>
        Task.FromResult<IList<UserPasskeyInfo>>([.. user.Passkeys.Select(passkey => passkey.ToInfo())]);

    /// <summary>A passkey names its account (passwordless sign-in starts without a user name): one query across the accounts.</summary>
    public Task<StaffAccount?> FindByPasskeyIdAsync(byte[] credentialId, CancellationToken cancellationToken)
    {
        var key = StoredPasskey.KeyOf(credentialId);
        return Session.Query<StaffAccount>().Where(account => account.Passkeys.Any(passkey => passkey.CredentialId == key)).FirstOrDefaultAsync(cancellationToken);
    }

    public Task<UserPasskeyInfo?> FindPasskeyAsync(StaffAccount user, byte[] credentialId, CancellationToken cancellationToken)
    {
        var key = StoredPasskey.KeyOf(credentialId);
        return Task.FromResult(user.Passkeys.FirstOrDefault(passkey => passkey.CredentialId == key)?.ToInfo());
    }

    public Task RemovePasskeyAsync(StaffAccount user, byte[] credentialId, CancellationToken cancellationToken)
    {
        var key = StoredPasskey.KeyOf(credentialId);
        user.Passkeys.RemoveAll(passkey => passkey.CredentialId == key);
        return Task.CompletedTask;
    }
}
