using Marten;

namespace Clinic.Host.Accounts;

/// <summary>One sign-in attempt (or step-up confirmation), as the account's owner sees it on /account/security.</summary>
internal sealed class SignInRecord
{
    public Guid Id { get; set; }

    /// <summary>The account named, when there is one; null for a name no account has (never the typed name).</summary>
    public string? AccountId { get; set; }

    /// <summary>One of <see cref="SignInMethods"/> or <see cref="StepUp.ConfirmMethods"/>.</summary>
    public string Method { get; set; } = "";

    public bool Succeeded { get; set; }

    /// <summary>Why it failed ("wrong-password", "wrong-code", "locked-out", …); null when it succeeded.</summary>
    public string? Failure { get; set; }

    public DateTimeOffset Time { get; set; }

    /// <summary>The client's network (<see cref="ClientDescription.Network"/>), never its address.</summary>
    public string Network { get; set; } = "";

    /// <summary>Browser family and system (<see cref="ClientDescription.Browser"/>), never the User-Agent.</summary>
    public string Browser { get; set; } = "";
}

/// <summary>
/// The sign-in journal, stored in the accounts schema. Records older than <c>Accounts:SignInRecordRetention</c>
/// (default 180 days) are removed as new ones are written, at most once an hour per host.
/// </summary>
internal sealed class StoredSignInJournal(IAccountsStore store, IHttpContextAccessor http, TimeProvider time, IConfiguration configuration) : ISignInJournal
{
    public const string RetentionKey = "Accounts:SignInRecordRetention";
    private static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(180);
    private readonly TimeSpan _retention = configuration.GetValue(RetentionKey, DefaultRetention);
    private long _nextPurgeTicks;

    public async Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        var context = http.HttpContext;
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        session.Store(new SignInRecord
        {
            Id = Guid.CreateVersion7(now),
            AccountId = attempt.AccountId,
            Method = attempt.Method,
            Succeeded = attempt.Succeeded,
            Failure = attempt.Succeeded ? null : attempt.Failure ?? "refused",
            Time = now,
            Network = ClientDescription.Network(context?.Connection.RemoteIpAddress),
            Browser = ClientDescription.Browser(context?.Request.Headers.UserAgent.ToString()),
        });
        var next = Interlocked.Read(ref _nextPurgeTicks);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextPurgeTicks, now.AddHours(1).UtcTicks, next) == next)
        {
            var cutoff = now - _retention;
            session.DeleteWhere<SignInRecord>(record => record.Time < cutoff);
        }

        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The account's own records since <paramref name="since"/>, newest first.</summary>
    public static async Task<IReadOnlyList<SignInRecord>> RecentAsync(IAccountsStore store, string accountId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Query<SignInRecord>()
            .Where(record => record.AccountId == accountId && record.Time >= since)
            .OrderByDescending(record => record.Time)
            .Take(200)
            .ToListAsync(cancellationToken);
    }
}
