using Marten;

namespace Clinic.Host.Accounts.Administration;

/// <summary>
/// One recorded change to an account: who (an account, "command-line" or "system"), what, for whom, when. A Marten
/// document in the accounts store rather than an event stream: the record is a flat, append-only list read newest
/// first and by account, which an index serves directly, and an admin action writes it in the same transaction as
/// the account it changes (a projection would add nothing but a second copy).
/// </summary>
public sealed class AccountChange
{
    public Guid Id { get; set; }

    public DateTimeOffset At { get; set; }

    public string Actor { get; set; } = "";

    public string AccountId { get; set; } = "";

    public string Change { get; set; } = "";

    public string? Detail { get; set; }

    internal static AccountChange From(AccountChangeEntry entry, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        At = at,
        Actor = entry.Actor,
        AccountId = StaffAccount.IdFor(entry.AccountId),
        Change = entry.Change,
        Detail = entry.Detail,
    };
}

/// <summary>Stores each change as an <see cref="AccountChange"/>, on its own (callers that change an account through Identity record after it saved).</summary>
internal sealed class StoredAccountChangeJournal(IAccountsStore store, TimeProvider time) : IAccountChangeJournal
{
    public async Task RecordAsync(AccountChangeEntry change, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Insert(AccountChange.From(change, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
    }
}
