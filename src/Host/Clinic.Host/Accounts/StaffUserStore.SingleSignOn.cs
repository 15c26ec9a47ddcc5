using Marten;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>Identity's external-login store over <see cref="StaffAccount.Logins"/>: single sign-on finds accounts by provider and subject.</summary>
internal sealed partial class StaffUserStore : IUserLoginStore<StaffAccount>
{
    public Task AddLoginAsync(StaffAccount user, UserLoginInfo login, CancellationToken cancellationToken)
    {
        if (!user.Logins.Any(l => l.LoginProvider == login.LoginProvider && l.ProviderKey == login.ProviderKey))
        {
            user.Logins.Add(new StaffLogin { LoginProvider = login.LoginProvider, ProviderKey = login.ProviderKey, ProviderDisplayName = login.ProviderDisplayName });
        }

        return Task.CompletedTask;
    }

    public Task RemoveLoginAsync(StaffAccount user, string loginProvider, string providerKey, CancellationToken cancellationToken)
    {
        user.Logins.RemoveAll(l => l.LoginProvider == loginProvider && l.ProviderKey == providerKey);
        return Task.CompletedTask;
    }

    public Task<IList<UserLoginInfo>> GetLoginsAsync(StaffAccount user, CancellationToken cancellationToken) =>
        Task.FromResult<IList<UserLoginInfo>>([.. user.Logins.Select(l => new UserLoginInfo(l.LoginProvider, l.ProviderKey, l.ProviderDisplayName))]);

    public async Task<StaffAccount?> FindByLoginAsync(string loginProvider, string providerKey, CancellationToken cancellationToken)
    {
        var found = await Session.Query<StaffAccount>()
            .Where(account => account.Logins.Any(l => l.LoginProvider == loginProvider && l.ProviderKey == providerKey))
            .Take(2)
            .ToListAsync(cancellationToken);
        // One subject belongs to one account; two would mean a link made by hand in the database: sign in neither.
        return found.Count == 1 ? found[0] : null;
    }
}
