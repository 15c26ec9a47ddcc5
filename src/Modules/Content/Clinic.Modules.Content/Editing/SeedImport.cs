using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// On a fresh store, the data files shipped with the module become the first content: every item drafted and
/// published as version 1 by "seed-import", in one commit. Hosts starting together take turns under an advisory
/// lock, and the second finds the items there; a store that already holds content is never touched again (but for the text pages, once, when it predates them).
/// </summary>
internal static class SeedImport
{
    public const string Actor = "seed-import";

    /// <returns>How many items were imported (0 when the store already held content).</returns>
    public static async Task<int> RunAsync(IDocumentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellationToken);
        await session.AdvancedSql.QueryAsync<long>(
            "select count(*) from (select pg_advisory_xact_lock(?)) l", cancellationToken, LockKey(store.Options.Events.DatabaseSchemaName));
        var items = ContentItems.FromEmbeddedFiles();
        if (await session.Query<ContentItemView>().AnyAsync(cancellationToken))
        {
            // A store seeded before the text pages were editable gets them, once; nothing else is touched again.
            var pageKeys = items.Where(i => i.Kind == ContentKinds.Page).Select(i => i.Key).ToList();
            var present = await session.Query<ContentItemView>().Where(v => v.Kind == ContentKinds.Page).Select(v => v.Id).ToListAsync(cancellationToken);
            items = [.. items.Where(i => pageKeys.Contains(i.Key) && !present.Contains(i.Key))];
            if (items.Count == 0)
            {
                return 0;
            }
        }

        var now = time.GetUtcNow();
        foreach (var item in items)
        {
            session.Events.StartStream(item.Key,
                new ContentDraftSaved(item.Key, item.Kind, item.Body, 0, Actor, now),
                new ContentPublished(1, item.Body, Actor, now));
        }

        await session.SaveChangesAsync(cancellationToken);
        return items.Count;
    }

    /// <summary>"Cont" in the high half keeps clear of Marten's own locks and Intake's; the low half from the schema.</summary>
    private static long LockKey(string schema) =>
        (0x436F6E74L << 32) | BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(schema)));
}
