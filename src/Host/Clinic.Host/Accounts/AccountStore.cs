using System.Security.Claims;
using Marten;

namespace Clinic.Host.Accounts;

/// <summary>The accounts' own Marten store, in its own schema.</summary>
public interface IAccountsStore : IDocumentStore;

internal enum SignInOutcome { SignedIn, Refused, LockedOut }

/// <summary>Accounts in PostgreSQL: sign-in with lockout, and the operator's commands.</summary>
internal sealed class AccountStore(IAccountsStore store, TimeProvider time)
{
    public const string SecurityStampClaim = "clinic:security-stamp";

    /// <summary>Locked out now, by this store's clock.</summary>
    public bool IsLockedOut(StaffAccount account) => account.IsLockedOut(time.GetUtcNow());

    public async Task<(SignInOutcome Outcome, ClaimsPrincipal? Principal)> SignInAsync(string userName, string password, string scheme, CancellationToken cancellationToken)
    {
        // Two sign-ins racing on one account: optimistic concurrency makes one of them read again.
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(userName), cancellationToken);
            if (account is null)
            {
                StaffAccount.VerifyDecoy(password);
                return (SignInOutcome.Refused, null);
            }

            var now = time.GetUtcNow();
            var wasLocked = account.IsLockedOut(now);
            var signedIn = account.TrySignIn(password, now);
            session.Store(account);
            try
            {
                await session.SaveChangesAsync(cancellationToken);
            }
            catch (JasperFx.ConcurrencyException)
            {
                // Someone is hammering this account from several places at once: refuse rather than fail.
                if (attempt >= 3)
                {
                    return (SignInOutcome.Refused, null);
                }

                continue;
            }

            if (signedIn)
            {
                return (SignInOutcome.SignedIn, Principal(account, scheme));
            }

            return (wasLocked || account.IsLockedOut(now) ? SignInOutcome.LockedOut : SignInOutcome.Refused, null);
        }
    }

    /// <summary>Whether a session issued earlier still stands: the account exists, is enabled, and its password was not reset since.</summary>
    public async Task<bool> IsSessionValidAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.Identity?.Name is not { } name)
        {
            return false;
        }

        await using var session = store.QuerySession();
        var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(name), cancellationToken);
        return account is { Disabled: false } && principal.FindFirst(SecurityStampClaim)?.Value == account.SecurityStamp.ToString();
    }

    public async Task<string?> CreateAsync(string userName, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Trim().Length > 64 || userName.Any(char.IsWhiteSpace) || userName.StartsWith('-'))
        {
            return "A user name is 1 to 64 characters without spaces, not starting with '-'.";
        }

        if (roles.Count == 0 || roles.Any(role => !StaffAccount.KnownRoles.Contains(role)))
        {
            return $"Give one or more roles of: {string.Join(", ", StaffAccount.KnownRoles)}.";
        }

        if (StaffAccount.CheckPassword(password) is { } weak)
        {
            return weak;
        }

        var account = new StaffAccount { Id = StaffAccount.IdFor(userName), UserName = userName.Trim(), Roles = [.. roles.Distinct()] };
        account.SetPassword(password);
        await using var session = store.LightweightSession();
        session.Insert(account);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            return $"An account named '{userName}' already exists.";
        }
    }

    public Task<string?> ResetPasswordAsync(string userName, string password, CancellationToken cancellationToken = default) =>
        StaffAccount.CheckPassword(password) is { } weak
            ? Task.FromResult<string?>(weak)
            : ChangeAsync(userName, account => account.SetPassword(password), cancellationToken);

    public Task<string?> SetDisabledAsync(string userName, bool disabled, CancellationToken cancellationToken = default) =>
        ChangeAsync(userName, account =>
        {
            account.Disabled = disabled;
            account.SecurityStamp = Guid.NewGuid();
        }, cancellationToken);

    public async Task<IReadOnlyList<StaffAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<StaffAccount>().OrderBy(a => a.Id).ToListAsync(cancellationToken);
    }

    private async Task<string?> ChangeAsync(string userName, Action<StaffAccount> change, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(userName), cancellationToken);
        if (account is null)
        {
            return $"There is no account named '{userName}'.";
        }

        change(account);
        session.Store(account);
        await session.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static ClaimsPrincipal Principal(StaffAccount account, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, account.UserName), new(SecurityStampClaim, account.SecurityStamp.ToString()) };
        claims.AddRange(account.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
