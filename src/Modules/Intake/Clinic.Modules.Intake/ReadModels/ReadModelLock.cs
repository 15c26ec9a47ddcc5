using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>
/// Keeps a replay and the inline projections out of each other's way (docs/adr/0006-replay-under-an-advisory-lock.md).
/// Every transaction that appends to a request holds this PostgreSQL advisory lock shared, taken before Marten
/// reads the read models it will update; a replay holds it exclusively for the whole rebuild. Appends that
/// arrive meanwhile wait, never fail, and then build on the rebuilt documents.
/// </summary>
internal static class ReadModelLock
{
    /// <summary>
    /// "Inta" in the high half keeps the key clear of Marten's own advisory locks (small numbers) and of the
    /// drills' leader sampling; the low half comes from the schema, so stores sharing a database never block each other.
    /// </summary>
    public static long KeyFor(string schema) =>
        (0x496E7461L << 32) | BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(schema)));

    /// <summary>Begins the session's transaction and takes the lock shared in it; call before the session's first write.</summary>
    public static async Task EnterForWriteAsync(IDocumentSession session, CancellationToken cancellationToken)
    {
        await session.BeginTransactionAsync(cancellationToken);
        await session.AdvancedSql.QueryAsync<long>(
            "select count(*) from (select pg_advisory_xact_lock_shared(?)) l",
            cancellationToken,
            KeyFor(session.DocumentStore.Options.Events.DatabaseSchemaName));
    }

    /// <summary>Waits until no append is in flight and holds every new one back until the returned handle is disposed.</summary>
    public static async Task<IAsyncDisposable> EnterForReplayAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var key = KeyFor(store.Options.Events.DatabaseSchemaName);
        var connection = await OpenUnpooledAsync(store, cancellationToken);
        try
        {
            await using var take = new NpgsqlCommand("select pg_advisory_lock($1)", connection) { Parameters = { new() { Value = key } } };
            await take.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection, key);
        }
        catch
        {
            // The lock may have been granted before the failure: closing the connection ends its session, and the lock with it.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A connection of its own to the store's database, outside the pool. Pooled connections go back without a reset
    /// (No Reset On Close), so a session-level lock left on one would outlive the replay and stall every later append;
    /// an unpooled connection's session ends when it is closed, whatever happened before.
    /// </summary>
    private static async Task<NpgsqlConnection> OpenUnpooledAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var pooled = store.Storage.Database.CreateConnection();
        // CloneWith keeps the store's credentials, which the pooled connection's string leaves out.
        var connection = pooled.CloneWith(new NpgsqlConnectionStringBuilder(pooled.ConnectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Unlocking releases the lock at once; if it fails, closing the unpooled connection still releases it.
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = key } } };
                await release.ExecuteNonQueryAsync();
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
