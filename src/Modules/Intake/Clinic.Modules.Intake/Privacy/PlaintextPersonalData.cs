using Clinic.Modules.Intake.Domain;
using Marten;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Today's storage, where the details sit in plain text in the request's first event. Temporary: replaced by the
/// encrypted store of issue 14, behind the same interface.
/// </summary>
internal sealed class PlaintextPersonalData(IIntakeStore store) : IPersonalData
{
    public async Task<ContactRequest?> ReadAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var history = await session.Events.FetchStreamAsync(requestId, token: cancellationToken);
        return history.Count == 0 ? null : Arrival.In(history).Contact;
    }

    public async Task<IReadOnlyList<Guid>> FindRequestsAsync(string? email, string? phone, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var ids = await session.AdvancedSql.QueryAsync<Guid>(
            $"""
            select stream_id from {store.Options.Events.DatabaseSchemaName}.mt_events
            where type in ('intake_request_submitted', 'suspected_spam_received')
              and (lower(data->'Request'->>'Email') = lower(?) or regexp_replace(data->'Request'->>'Phone', '[^0-9+]', '', 'g') = regexp_replace(?, '[^0-9+]', '', 'g'))
            order by seq_id
            """,
            cancellationToken,
            email ?? "\u0001",
            phone ?? "\u0001");
        return [.. ids.Distinct()];
    }

    public Task DestroyKeyAsync(Guid requestId, CancellationToken cancellationToken) => Task.CompletedTask;
}
