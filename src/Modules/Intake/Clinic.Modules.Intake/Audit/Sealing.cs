using System.Security.Cryptography;
using System.Text;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Clinic.Modules.Intake.Audit;

/// <summary>
/// The tamper-evidence seal of one event: its hash, chained to the previous event of the same stream,
/// and a global chain hash over every event in sequence order. The latest chain hash is the anchor an
/// operator can copy elsewhere (audit verify prints it): rewriting history then means rewriting it too.
/// </summary>
public sealed class EventSeal
{
    /// <summary>The event's global sequence number.</summary>
    public long Id { get; set; }

    public Guid StreamId { get; set; }

    public string Hash { get; set; } = "";

    public string ChainHash { get; set; } = "";
}

/// <summary>
/// What is hashed is the row as PostgreSQL stores it (jsonb prints canonically), not a re-serialised
/// object: a harmless new property in an event type changes no seal, and any edit to the stored data,
/// type, time, correlation, causation or headers does. Every part is non-null, Marten's tombstones included
/// (written for appends that failed after taking sequence numbers: timestamp -infinity, no metadata).
/// </summary>
internal static class EventHashing
{
    public static string RecordsSql(string schema) => $"""
        select seq_id::text || '|' || coalesce(stream_id::text, '') || '|' || version::text || '|' || type || '|'
            || coalesce(to_char(timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), timestamp::text) || '|' || coalesce(correlation_id, '') || '|'
            || coalesce(causation_id, '') || '|' || coalesce(headers::text, '') || '|' || data::text
        from {schema}.mt_events where seq_id > ? and seq_id <= ? order by seq_id limit ?
        """;

    /// <summary>The stored rows with sequence in (after, upTo], oldest first, as canonical text records.</summary>
    public static Task<IReadOnlyList<string>> RecordsAsync(IQuerySession session, string schema, long after, long upTo, int limit, CancellationToken cancellationToken) =>
        session.AdvancedSql.QueryAsync<string>(RecordsSql(schema), cancellationToken, after, upTo, limit);

    public static (long Sequence, Guid StreamId) Position(string record)
    {
        var fields = record.Split('|', 3);
        // A row without a stream (none of ours, but the column allows it) is chained under the empty id.
        return (long.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), Guid.TryParse(fields[1], out var stream) ? stream : Guid.Empty);
    }

    public static string Hash(string? previousInStream, string record) => Sha256((previousInStream ?? "") + "|" + record);

    public static string Chain(string? previousChain, string hash) => Sha256((previousChain ?? "") + "|" + hash);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// Seals every committed event shortly after its commit, run by the async daemon's leader so the chain
/// has one writer. Seals are saved in the same transaction as the daemon's progress.
/// </summary>
internal sealed class AuditSealer : SubscriptionBase
{
    public const string SubscriptionName = "audit-sealer";

    public AuditSealer() => Name = SubscriptionName;

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var schema = operations.DocumentStore.Options.Events.DatabaseSchemaName;
        var records = await EventHashing.RecordsAsync(operations, schema, page.SequenceFloor, page.SequenceCeiling, int.MaxValue, cancellationToken);
        if (records.Count == 0)
        {
            return NullChangeListener.Instance;
        }

        var floor = EventHashing.Position(records[0]).Sequence;
        var chain = (await operations.Query<EventSeal>().Where(s => s.Id < floor).OrderByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken))?.ChainHash;
        // Each stream's latest earlier seal, fetched for the whole page at once (one query, not one per stream).
        var streamIds = records.Select(r => EventHashing.Position(r).StreamId).Distinct().ToArray();
        var earlier = await operations.Query<EventSeal>().Where(s => streamIds.Contains(s.StreamId) && s.Id < floor).ToListAsync(cancellationToken);
        var streamHeads = earlier.GroupBy(s => s.StreamId).ToDictionary(g => g.Key, g => (string?)g.MaxBy(s => s.Id)!.Hash);
        foreach (var record in records)
        {
            var (sequence, streamId) = EventHashing.Position(record);
            var hash = EventHashing.Hash(streamHeads.GetValueOrDefault(streamId), record);
            chain = EventHashing.Chain(chain, hash);
            streamHeads[streamId] = hash;
            operations.Store(new EventSeal { Id = sequence, StreamId = streamId, Hash = hash, ChainHash = chain });
        }

        return NullChangeListener.Instance;
    }
}

internal sealed record VerifyReport(long Events, long Sealed, long Pending, string? FirstBrokenLink, string? ChainHead)
{
    public bool Intact => FirstBrokenLink is null;
}

/// <summary>
/// Walks every event the sealer has passed, in sequence order, recomputes each seal and reports the first
/// that does not hold: an edited event, an event or seal removed, an event slipped in. Events after the
/// sealer's position are reported as pending (sealed within moments on a running site).
/// </summary>
internal static class AuditVerifier
{
    private const int PageSize = 5000;

    public static async Task<VerifyReport> VerifyAsync(IDocumentStore store, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var sealedUpTo = await Daemon.SubscriptionProgress.PositionOfAsync(store, AuditSealer.SubscriptionName, cancellationToken);
        await using var session = store.QuerySession();
        var total = await session.Events.QueryAllRawEvents().CountAsync(cancellationToken);
        var pending = await session.Events.QueryAllRawEvents().CountAsync(e => e.Sequence > sealedUpTo, cancellationToken);
        var streamHeads = new Dictionary<Guid, string>();
        string? chain = null;
        long checkedEvents = 0, after = 0;
        while (true)
        {
            var records = await EventHashing.RecordsAsync(session, schema, after, sealedUpTo, PageSize, cancellationToken);
            // The last page looks for seals up to the sealer's position: a deleted tail leaves seals there.
            var finalPage = records.Count < PageSize;
            var last = finalPage ? sealedUpTo : EventHashing.Position(records[^1]).Sequence;
            var seals = (await session.Query<EventSeal>().Where(s => s.Id > after && s.Id <= last).ToListAsync(cancellationToken)).ToDictionary(s => s.Id);
            foreach (var record in records)
            {
                var (sequence, streamId) = EventHashing.Position(record);
                streamHeads.TryGetValue(streamId, out var previous);
                var hash = EventHashing.Hash(previous, record);
                chain = EventHashing.Chain(chain, hash);
                streamHeads[streamId] = hash;
                if (!seals.Remove(sequence, out var seal))
                {
                    return Broken($"event #{sequence} (stream {streamId}) has no seal although the sealer has passed it: it was slipped in, or its seal removed");
                }

                checkedEvents++;
                if (seal.Hash != hash)
                {
                    return Broken($"event #{sequence} (stream {streamId}) does not match its seal: it was changed after it was sealed");
                }

                if (seal.ChainHash != chain)
                {
                    return Broken($"the seal chain breaks at event #{sequence}: an earlier event or seal was removed or altered");
                }
            }

            // A seal whose event is gone: the event was deleted after it was sealed.
            if (seals.Count > 0)
            {
                return Broken($"event #{seals.Keys.Min()} was deleted after it was sealed");
            }

            if (finalPage)
            {
                break;
            }

            after = last;
            progress?.Report((checkedEvents, total));
        }

        progress?.Report((total, total));
        return new VerifyReport(total, checkedEvents, pending, null, chain);

        VerifyReport Broken(string link) => new(total, checkedEvents, pending, link, chain);
    }
}
