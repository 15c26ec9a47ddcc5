using System.Security.Claims;
using Marten;
using Marten.Patching;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>
/// A signed-in browser: the session the application cookie names in its <see cref="SessionStore.SessionClaim"/>.
/// Deleted when it is ended (by its owner, by signing out, or by an admin's "sign out everywhere").
/// </summary>
internal sealed class SignInSession
{
    public Guid Id { get; set; }

    public string AccountId { get; set; } = "";

    public DateTimeOffset Created { get; set; }

    /// <summary>The last request seen, written at most once per <see cref="SessionStore.LastSeenResolution"/>.</summary>
    public DateTimeOffset LastSeen { get; set; }

    /// <summary>The account's security stamp when the session began: once the stamp is renewed the session is over.</summary>
    public string SecurityStamp { get; set; } = "";

    public string Network { get; set; } = "";

    public string Browser { get; set; } = "";
}

/// <summary>
/// Server-side sessions for the Identity application cookie. The cookie keeps carrying the principal (it is no
/// bigger than before but for one claim, the session id), and each request checks that its session document still
/// exists (a primary-key read in the accounts schema, next to the security-stamp check Identity already makes), so
/// any host ends a session for all hosts by deleting the document. "Last seen" is written at most once a minute.
/// </summary>
internal sealed class SessionStore(IAccountsStore store, TimeProvider time)
{
    public const string SessionClaim = "clinic:session";
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    /// <summary>Idle sessions end after this (the cookie's sliding expiry); a stale document is not shown.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    public static Guid? IdOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirstValue(SessionClaim), out var id) ? id : null;

    public async Task<Guid> StartAsync(StaffAccount account, HttpContext? context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var session = new SignInSession
        {
            Id = Guid.NewGuid(),
            AccountId = account.Id,
            Created = now,
            LastSeen = now,
            SecurityStamp = account.SecurityStamp,
            Network = ClientDescription.Network(context?.Connection.RemoteIpAddress),
            Browser = ClientDescription.Browser(context?.Request.Headers.UserAgent.ToString()),
        };
        await using var documents = store.LightweightSession();
        documents.Store(session);
        // The account's long-dead sessions go as a new one starts, so the documents do not pile up.
        var stale = now - TimeSpan.FromDays(1);
        var accountId = account.Id;
        documents.DeleteWhere<SignInSession>(s => s.AccountId == accountId && s.LastSeen < stale);
        await documents.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    /// <summary>Runs before Identity's security-stamp check: a cookie whose session was ended (or that names none) is refused.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = IdOf(context.Principal);
        var accountId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var documents = store.LightweightSession();
        var session = id is { } known ? await documents.LoadAsync<SignInSession>(known, context.HttpContext.RequestAborted) : null;
        if (session is null || session.AccountId != accountId)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        var now = time.GetUtcNow();
        if (now - session.LastSeen >= LastSeenResolution)
        {
            // A patch, not a store: a session ended meanwhile stays ended.
            documents.Patch<SignInSession>(session.Id).Set(s => s.LastSeen, now);
            await documents.SaveChangesAsync(context.HttpContext.RequestAborted);
        }
    }

    /// <summary>The account's sessions that can still be used: not idle past the cookie's expiry, begun under its current stamp.</summary>
    public async Task<IReadOnlyList<SignInSession>> ActiveAsync(StaffAccount account, CancellationToken cancellationToken = default)
    {
        var since = time.GetUtcNow() - IdleTimeout - LastSeenResolution;
        var accountId = account.Id;
        await using var documents = store.QuerySession();
        var sessions = await documents.Query<SignInSession>()
            .Where(s => s.AccountId == accountId && s.LastSeen >= since)
            .OrderByDescending(s => s.LastSeen)
            .ToListAsync(cancellationToken);
        return [.. sessions.Where(s => s.SecurityStamp == account.SecurityStamp)];
    }

    /// <summary>
    /// A session refreshed after its account changed (a second factor added, a step-up) carries on under the new stamp,
    /// so it stays on the owner's list.
    /// </summary>
    public async Task RenewStampAsync(string accountId, Guid sessionId, string securityStamp, CancellationToken cancellationToken = default)
    {
        await using var documents = store.LightweightSession();
        documents.Patch<SignInSession>(s => s.AccountId == accountId && s.Id == sessionId).Set(s => s.SecurityStamp, securityStamp);
        await documents.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Ends one of the account's sessions (another account's session id does nothing).</summary>
    public async Task EndAsync(string accountId, Guid sessionId, CancellationToken cancellationToken = default)
    {
        await using var documents = store.LightweightSession();
        documents.DeleteWhere<SignInSession>(s => s.AccountId == accountId && s.Id == sessionId);
        await documents.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Ends every session of the account, but <paramref name="except"/> when given: "end all other sessions", and
    /// the admin page's "sign out everywhere" (which should also renew the security stamp).
    /// </summary>
    public async Task EndAllAsync(string accountId, Guid? except = null, CancellationToken cancellationToken = default)
    {
        await using var documents = store.LightweightSession();
        if (except is { } keep)
        {
            documents.DeleteWhere<SignInSession>(s => s.AccountId == accountId && s.Id != keep);
        }
        else
        {
            documents.DeleteWhere<SignInSession>(s => s.AccountId == accountId);
        }

        await documents.SaveChangesAsync(cancellationToken);
    }
}
