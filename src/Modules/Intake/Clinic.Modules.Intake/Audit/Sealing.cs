using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx.Events;
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

    public long Version { get; set; }

    public string Hash { get; set; } = "";

    public string ChainHash { get; set; } = "";
}

internal static class EventHashing
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.General);

    /// <summary>Everything that makes the event what it is: position, stream, type, time and data.</summary>
    public static string Hash(string? previousInStream, IEvent e) => Sha256(string.Join('|',
        previousInStream ?? "", e.Sequence, e.StreamId.ToString("N"), e.Version, e.EventTypeName, e.Timestamp.UtcTicks,
        JsonSerializer.Serialize(e.Data, e.Data.GetType(), Canonical)));

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
        var events = page.Events.OrderBy(e => e.Sequence).ToList();
        if (events.Count == 0)
        {
            return NullChangeListener.Instance;
        }

        var floor = events[0].Sequence;
        var chain = (await operations.Query<EventSeal>().Where(s => s.Id < floor).OrderByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken))?.ChainHash;
        var streamHeads = new Dictionary<Guid, string?>();
        foreach (var e in events)
        {
            if (!streamHeads.TryGetValue(e.StreamId, out var previous))
            {
                previous = (await operations.Query<EventSeal>()
                    .Where(s => s.StreamId == e.StreamId && s.Id < floor)
                    .OrderByDescending(s => s.Id)
                    .FirstOrDefaultAsync(cancellationToken))?.Hash;
            }

            var hash = EventHashing.Hash(previous, e);
            chain = EventHashing.Chain(chain, hash);
            streamHeads[e.StreamId] = hash;
            operations.Store(new EventSeal { Id = e.Sequence, StreamId = e.StreamId, Version = e.Version, Hash = hash, ChainHash = chain });
        }

        return NullChangeListener.Instance;
    }
}

internal sealed record VerifyReport(long Events, long Sealed, long Pending, string? FirstBrokenLink, string? ChainHead)
{
    public bool Intact => FirstBrokenLink is null;
}

/// <summary>Walks every event in sequence order, recomputes each seal, and reports the first that does not hold.</summary>
internal static class AuditVerifier
{
    private const int PageSize = 5000;

    public static async Task<VerifyReport> VerifyAsync(IDocumentStore store, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var total = await session.Events.QueryAllRawEvents().CountAsync(cancellationToken);
        var streamHeads = new Dictionary<Guid, string>();
        string? chain = null, sealedChainHead = null;
        long checkedEvents = 0, sealedEvents = 0, pending = 0, after = 0;
        while (true)
        {
            var batch = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var last = batch[^1].Sequence;
            var seals = (await session.Query<EventSeal>().Where(s => s.Id > after && s.Id <= last).ToListAsync(cancellationToken)).ToDictionary(s => s.Id);
            foreach (var e in batch)
            {
                checkedEvents++;
                streamHeads.TryGetValue(e.StreamId, out var previous);
                var hash = EventHashing.Hash(previous, e);
                chain = EventHashing.Chain(chain, hash);
                streamHeads[e.StreamId] = hash;
                if (!seals.TryGetValue(e.Sequence, out var seal))
                {
                    pending++;
                    continue;
                }

                if (pending > 0)
                {
                    return Broken($"event #{e.Sequence - 1} or an earlier one has no seal although later events do: an event was inserted or its seal removed");
                }

                sealedEvents++;
                if (seal.Hash != hash)
                {
                    return Broken($"event #{e.Sequence} ({e.EventTypeName}, stream {e.StreamId}, version {e.Version}) does not match its seal: it was changed after it was sealed");
                }

                if (seal.ChainHash != chain)
                {
                    return Broken($"the seal chain breaks at event #{e.Sequence}: an earlier event or seal was removed or altered");
                }

                sealedChainHead = chain;
            }

            after = last;
            progress?.Report((checkedEvents, total));
        }

        return new VerifyReport(checkedEvents, sealedEvents, pending, null, sealedChainHead);

        VerifyReport Broken(string link) => new(checkedEvents, sealedEvents, pending, link, sealedChainHead);
    }
}
