using System.ComponentModel.DataAnnotations;
using Clinic.Modules.Notifications.Contracts;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts.Administration;

internal sealed class AccountAdministrationOptions
{
    /// <summary>How long an invitation or password-reset link works (<c>Accounts:InvitationLifetime</c>).</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromHours(72);
}

/// <summary>The outcome of an admin action: done, or refused with the form field it concerns and why.</summary>
internal sealed record AdminOutcome(bool Succeeded, string? Field = null, string? Error = null, string? Warning = null)
{
    public static readonly AdminOutcome Done = new(true);

    public static AdminOutcome Refused(string? field, string error) => new(false, field, error);
}

/// <summary>An account as the admin list shows it.</summary>
internal sealed record AccountSummary(StaffAccount Account, bool LockedOut, bool PendingInvitation, AccountLink? OpenLink)
{
    public string State => Account.Disabled ? "disabled" : LockedOut ? "locked" : PendingInvitation ? "pending invite" : "active";
}

/// <summary>
/// What an admin does to accounts. Each action loads the account, changes it and records the change in one Marten
/// transaction (the account's optimistic concurrency refuses a colleague's simultaneous change), so nothing is ever
/// half-written; e-mails are requested from Notifications after the commit.
/// </summary>
internal sealed partial class AccountAdministration(
    IAccountsStore store,
    UserManager<StaffAccount> users,
    IPublishEndpoint publish,
    TimeProvider time,
    IOptions<AccountAdministrationOptions> options,
    ILogger<AccountAdministration> logger)
{
    public const string SetPasswordPath = "/account/set-password";
    private const string Concurrent = "Someone changed this account at the same moment. Reload the page and try again.";

    public async Task<IReadOnlyList<AccountSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var accounts = await session.Query<StaffAccount>().OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var open = (await session.Query<AccountLink>().Where(l => l.UsedAt == null && l.RevokedAt == null).ToListAsync(cancellationToken))
            .Where(l => l.ExpiresAt > now).ToLookup(l => l.AccountId);
        return [.. accounts.Select(a => new AccountSummary(a, a.IsLockedOut(now), a.IsPendingInvitation, open[a.Id].MaxBy(l => l.CreatedAt)))];
    }

    public async Task<AccountSummary?> FindAsync(string? accountId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(accountId))
        {
            return null;
        }

        await using var session = store.QuerySession();
        var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(accountId), cancellationToken);
        if (account is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var links = await session.Query<AccountLink>().Where(l => l.AccountId == account.Id && l.UsedAt == null && l.RevokedAt == null).ToListAsync(cancellationToken);
        return new AccountSummary(account, account.IsLockedOut(now), account.IsPendingInvitation, links.Where(l => l.ExpiresAt > now).MaxBy(l => l.CreatedAt));
    }

    /// <summary>Makes an account without a password and e-mails its enrolment link.</summary>
    public async Task<AdminOutcome> InviteAsync(string actor, string? userName, string? email, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        userName = userName?.Trim() ?? "";
        email = email?.Trim() ?? "";
        if (AccountStore.UserNameProblem(userName) is { } nameProblem)
        {
            return AdminOutcome.Refused("UserName", nameProblem);
        }

        if (email.Length == 0 || email.Length > 254 || !new EmailAddressAttribute().IsValid(email) || !email.Contains('.', StringComparison.Ordinal))
        {
            return AdminOutcome.Refused("Email", "Enter the person's e-mail address, like name@example.org.");
        }

        if (RolesProblem(roles) is { } roleProblem)
        {
            return AdminOutcome.Refused("Roles", roleProblem);
        }

        var now = time.GetUtcNow();
        var account = new StaffAccount { Id = StaffAccount.IdFor(userName), UserName = userName, Email = email, Roles = [.. StaffRoles.All.Where(roles.Contains)] };
        var (token, link) = AccountLink.Issue(account.Id, AccountLinkPurposes.Invitation, actor, now, options.Value.InvitationLifetime);
        await using (var session = store.LightweightSession())
        {
            session.Insert(account);
            session.Insert(link);
            session.Insert(AccountChange.From(new AccountChangeEntry(actor, account.Id, "invited", $"roles {string.Join(", ", account.Roles)}"), now));
            try
            {
                await session.SaveChangesAsync(cancellationToken);
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                return AdminOutcome.Refused("UserName", $"An account named '{userName}' already exists.");
            }
        }

        return await MailAsync(account, link, token, cancellationToken);
    }

    /// <summary>
    /// E-mails a new link: an invitation again while the person has not enrolled, otherwise a password reset. The
    /// password itself changes only when the person uses the link, and the second factor stays (ASVS 6.4.3).
    /// </summary>
    public async Task<AdminOutcome> SendPasswordLinkAsync(string actor, string accountId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(accountId), cancellationToken);
        if (account is null)
        {
            return AdminOutcome.Refused(null, "There is no such account.");
        }

        if (string.IsNullOrEmpty(account.Email))
        {
            return AdminOutcome.Refused(null, "This account has no e-mail address (it was made on the command line): reset its password with 'Clinic.Host users reset-password'.");
        }

        if (account.Disabled)
        {
            return AdminOutcome.Refused(null, "This account is disabled. Re-enable it first.");
        }

        var now = time.GetUtcNow();
        await RevokeOpenLinksAsync(session, account.Id, now, cancellationToken);
        var purpose = account.IsPendingInvitation ? AccountLinkPurposes.Invitation : AccountLinkPurposes.PasswordReset;
        var (token, link) = AccountLink.Issue(account.Id, purpose, actor, now, options.Value.InvitationLifetime);
        session.Insert(link);
        session.Insert(AccountChange.From(new AccountChangeEntry(actor, account.Id, purpose == AccountLinkPurposes.Invitation ? "invitation-resent" : "password-reset-link-sent"), now));
        // Stored with its loaded version: two sends for one account race on it, so only one leaves an open link.
        session.Store(account);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (IsConcurrencyConflict(e))
        {
            return AdminOutcome.Refused(null, Concurrent);
        }

        return await MailAsync(account, link, token, cancellationToken);
    }

    public Task<AdminOutcome> SetDisabledAsync(string actor, string accountId, bool disabled, CancellationToken cancellationToken) =>
        ChangeAsync(actor, accountId, disabled ? "disabled" : "enabled", null, async (session, account, now) =>
        {
            if (disabled && IsSelf(actor, account))
            {
                return "You cannot disable your own account. Ask another admin.";
            }

            account.Disabled = disabled;
            RenewStamp(account);
            if (disabled)
            {
                await RevokeOpenLinksAsync(session, account.Id, now, cancellationToken);
            }

            return null;
        }, cancellationToken);

    public Task<AdminOutcome> ResetSecondFactorAsync(string actor, string accountId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, accountId, "second-factor-reset", null, (_, account, _) =>
        {
            account.TwoFactorEnabled = false;
            account.AuthenticatorKey = null;
            account.RecoveryCodeSalt = null;
            account.RecoveryCodeHashes = [];
            account.Passkeys = [];
            RenewStamp(account);
            return Task.FromResult<string?>(null);
        }, cancellationToken);

    /// <summary>Renews the security stamp: every session of the account ends at its next request.</summary>
    public Task<AdminOutcome> SignOutEverywhereAsync(string actor, string accountId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, accountId, "signed-out-everywhere", null, (_, account, _) =>
        {
            RenewStamp(account);
            return Task.FromResult<string?>(null);
        }, cancellationToken);

    /// <summary>New roles; the account's sessions take them at their next request (the claims are made afresh at each).</summary>
    public async Task<AdminOutcome> ChangeRolesAsync(string actor, string accountId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        if (RolesProblem(roles) is { } problem)
        {
            return AdminOutcome.Refused("Roles", problem);
        }

        var chosen = StaffRoles.All.Where(roles.Contains).ToList();
        string? before = null;
        var outcome = await ChangeAsync(actor, accountId, "roles-changed", () => $"{string.Join(", ", chosen)} (was {before})", (_, account, _) =>
        {
            if (IsSelf(actor, account) && account.Roles.Contains(StaffRoles.Admin) && !chosen.Contains(StaffRoles.Admin))
            {
                return Task.FromResult<string?>("You cannot remove your own Admin role. Ask another admin.");
            }

            before = string.Join(", ", account.Roles);
            account.Roles = chosen;
            return Task.FromResult<string?>(null);
        }, cancellationToken);
        return outcome.Succeeded || outcome.Field is not null ? outcome : outcome with { Field = "Roles" };
    }

    /// <summary>The changes recorded, newest first, optionally for one account; one more than asked tells whether a next page exists.</summary>
    public async Task<IReadOnlyList<AccountChange>> ChangesAsync(string? accountId, int skip, int take, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var query = session.Query<AccountChange>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(accountId))
        {
            var id = StaffAccount.IdFor(accountId);
            query = query.Where(c => c.AccountId == id);
        }

        return await query.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
    }

    // --- The link's page: what state a link is in, and using it.

    public async Task<(AccountLinkState State, AccountLink? Link, StaffAccount? Account)> CheckLinkAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return (AccountLinkState.Unknown, null, null);
        }

        await using var session = store.QuerySession();
        var link = await session.LoadAsync<AccountLink>(AccountLink.HashOf(token), cancellationToken);
        var account = link is null ? null : await session.LoadAsync<StaffAccount>(link.AccountId, cancellationToken);
        if (link is null || account is null)
        {
            return (AccountLinkState.Unknown, null, null);
        }

        var state = account.Disabled && link.StateAt(time.GetUtcNow()) == AccountLinkState.Open ? AccountLinkState.Revoked : link.StateAt(time.GetUtcNow());
        return (state, link, account);
    }

    /// <summary>Sets the password through the link and uses the link up, in one transaction. Null when done, else why not.</summary>
    public async Task<(string? Problem, AccountLinkState State, StaffAccount? Account)> UsePasswordLinkAsync(string? token, string? password, CancellationToken cancellationToken)
    {
        var (state, link, account) = await CheckLinkAsync(token, cancellationToken);
        if (state != AccountLinkState.Open || link is null || account is null)
        {
            return ("This link cannot be used.", state, null);
        }

        await using var session = store.LightweightSession();
        // Loaded again in the writing session, so both documents carry their versions: a second use racing this one fails.
        link = await session.LoadAsync<AccountLink>(link.Id, cancellationToken);
        account = await session.LoadAsync<StaffAccount>(account.Id, cancellationToken);
        var now = time.GetUtcNow();
        if (link is null || account is null || link.StateAt(now) != AccountLinkState.Open || account.Disabled)
        {
            return ("This link cannot be used.", link?.StateAt(now) ?? AccountLinkState.Unknown, null);
        }

        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, account, password);
            if (!result.Succeeded)
            {
                return (string.Join(" ", result.Errors.Select(e => e.Description)), AccountLinkState.Open, account);
            }
        }

        account.PasswordHash = users.PasswordHasher.HashPassword(account, password!);
        account.FailedSignIns = 0;
        account.LockedUntil = null;
        RenewStamp(account);
        link.UsedAt = now;
        session.Store(account);
        session.Store(link);
        var change = link.Purpose == AccountLinkPurposes.Invitation ? "enrolled-by-invitation" : "password-reset-by-link";
        session.Insert(AccountChange.From(new AccountChangeEntry(account.Id, account.Id, change), now));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (JasperFx.ConcurrencyException)
        {
            return ("This link cannot be used.", AccountLinkState.Used, null);
        }

        return (null, AccountLinkState.Used, account);
    }

    private async Task<AdminOutcome> ChangeAsync(
        string actor, string accountId, string change, Func<string?>? detail,
        Func<IDocumentSession, StaffAccount, DateTimeOffset, Task<string?>> apply, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(accountId), cancellationToken);
        if (account is null)
        {
            return AdminOutcome.Refused(null, "There is no such account.");
        }

        var now = time.GetUtcNow();
        if (await apply(session, account, now) is { } refusal)
        {
            return AdminOutcome.Refused(null, refusal);
        }

        session.Store(account);
        session.Insert(AccountChange.From(new AccountChangeEntry(actor, account.Id, change, detail?.Invoke()), now));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (IsConcurrencyConflict(e))
        {
            return AdminOutcome.Refused(null, Concurrent);
        }

        return AdminOutcome.Done;
    }

    private async Task<AdminOutcome> MailAsync(StaffAccount account, AccountLink link, string token, CancellationToken cancellationToken)
    {
        var kind = link.Purpose == AccountLinkPurposes.Invitation ? "invitation" : "password-reset";
        try
        {
            await publish.Publish(
                new StaffAccountMailRequested(Guid.NewGuid(), account.UserName, account.Email!, kind, $"{SetPasswordPath}?token={token}", link.ExpiresAt),
                cancellationToken);
            return AdminOutcome.Done;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The link is stored but its e-mail could not be handed to the broker: say so, so the admin sends a new one.
            LogMailNotQueued(logger, e.GetType().Name);
            return new AdminOutcome(true, Warning: "The change is saved, but the e-mail could not be queued. Use \"Send a new link\" on the account's page in a moment.");
        }
    }

    /// <summary>Marks the account's open links revoked in the session (saved with the caller's change).</summary>
    internal static async Task RevokeOpenLinksAsync(IDocumentSession session, string accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var open in await session.Query<AccountLink>().Where(l => l.AccountId == accountId && l.UsedAt == null && l.RevokedAt == null).ToListAsync(cancellationToken))
        {
            open.RevokedAt = now;
            session.Store(open);
        }
    }

    /// <summary>A colleague's simultaneous write; Marten reports several at once (account and links) as an aggregate.</summary>
    private static bool IsConcurrencyConflict(Exception e) =>
        e is JasperFx.ConcurrencyException || (e is AggregateException all && all.InnerExceptions.All(inner => inner is JasperFx.ConcurrencyException));

    private static bool IsSelf(string actor, StaffAccount account) => StaffAccount.IdFor(actor) == account.Id;

    private static void RenewStamp(StaffAccount account) => account.SecurityStamp = Guid.NewGuid().ToString("N");

    private static string? RolesProblem(IReadOnlyCollection<string> roles) =>
        roles.Count == 0 || roles.Any(role => !StaffRoles.All.Contains(role))
            ? $"Choose one or more roles: {string.Join(", ", StaffRoles.All)}."
            : null;

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Account e-mail could not be queued ({Error})")]
    private static partial void LogMailNotQueued(ILogger logger, string error);
}
