using System.Diagnostics;
using System.Runtime.CompilerServices;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Npgsql;

namespace Clinic.EndToEndTests;

/// <summary>
/// The host returns pooled connections without a reset (No Reset On Close): a lock left on one would stall every
/// later append that happened to get that connection, so none may outlive the work that took it.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed class PooledConnectionTests(ClinicFixture clinic)
{
    [Fact]
    public async Task After_a_replay_lock_and_an_abandoned_append_no_connection_still_holds_the_read_model_lock_and_requests_still_go_through()
    {
        var store = clinic.Store;
        var key = ReadModelLock.KeyFor(store.Options.Events.DatabaseSchemaName);

        await using (await ReadModelLock.EnterForReplayAsync(store, CancellationToken.None))
        {
            Assert.Equal(1, await HoldersAsync(key));
        }

        await using (var abandoned = store.LightweightSession())
        {
            // Taken in a transaction that is never committed: returning the connection must roll it back.
            await ReadModelLock.EnterForWriteAsync(abandoned, CancellationToken.None);
        }

        // Appends of earlier tests' alerts may hold it shared for moments; a leaked lock would hold it for good.
        await Eventually.TrueAsync(async () => await HoldersAsync(key) == 0, "no connection holding the read-model lock");
        // A replay would wait forever behind a leaked shared lock; a submission still records and alerts.
        await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Pia"));
        await using (await ReadModelLock.EnterForReplayAsync(store, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token))
        {
        }
    }

    [Fact]
    public async Task A_replay_lock_whose_unlock_fails_on_a_healthy_connection_is_still_released_and_requests_still_go_through()
    {
        var store = clinic.Store;
        var key = ReadModelLock.KeyFor(store.Options.Events.DatabaseSchemaName);
        var held = await ReadModelLock.EnterForReplayAsync(store, CancellationToken.None);
        Assert.Equal(1, await HoldersAsync(key));

        // The unlock fails before it reaches PostgreSQL, so its connection is left healthy, still holding the lock.
        using (FailNextCommand.InThisFlow())
        {
            await Assert.ThrowsAsync<FailNextCommand.Injected>(async () => await held.DisposeAsync());
        }

        await Eventually.TrueAsync(async () => await HoldersAsync(key) == 0, "no connection holding the replay's lock after it was let go");
        await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Ulla"));
    }

    [Fact]
    public async Task The_hosts_pooled_connections_go_back_to_the_pool_without_a_reset()
    {
        // No Reset On Close saves a DISCARD ALL per return (docs/benchmarks.md); it is why the tests above matter.
        var database = clinic.Store.Storage.Database;
        await using (var unopened = database.CreateConnection())
        {
            Assert.True(new NpgsqlConnectionStringBuilder(unopened.ConnectionString).NoResetOnClose);
        }

        // Shown on the pool itself: session state set on a connection is still there when the pool hands its backend out again.
        var marker = $"probe-{Guid.NewGuid():N}";
        int marked;
        await using (var connection = database.CreateConnection())
        {
            await connection.OpenAsync();
            marked = connection.ProcessID;
            await ExecuteAsync(connection, $"set application_name = '{marker}'");
        }

        var seen = await Eventually.GetAsync(
            async () =>
            {
                await using var connection = database.CreateConnection();
                await connection.OpenAsync();
                if (connection.ProcessID != marked)
                {
                    return null;
                }

                await using var read = new NpgsqlCommand("select current_setting('application_name')", connection);
                var name = (string)(await read.ExecuteScalarAsync())!;
                // The host relies on no session state outliving its use: undo the probe's.
                await ExecuteAsync(connection, "reset application_name");
                return name;
            },
            "the pool to hand out the probed connection again");
        Assert.Equal(marker, seen);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Makes the next Npgsql command of the calling flow (and only of it) throw as it starts, before anything is sent:
    /// Npgsql asks every listener of its activity source whether to record the command, and this one answers with an exception.
    /// </summary>
    private sealed class FailNextCommand : IDisposable
    {
        private static readonly AsyncLocal<StrongBox<bool>?> Armed = new();
        private readonly ActivityListener _listener;

        private FailNextCommand()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                {
                    if (Armed.Value is { Value: true } armed)
                    {
                        armed.Value = false;
                        throw new Injected();
                    }

                    return ActivitySamplingResult.None;
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public static FailNextCommand InThisFlow()
        {
            Armed.Value = new StrongBox<bool>(true);
            return new FailNextCommand();
        }

        public void Dispose()
        {
            Armed.Value = null;
            _listener.Dispose();
        }

        public sealed class Injected() : Exception("injected failure of a database command");
    }

    private async Task<long> HoldersAsync(long key)
    {
        await using var connection = new NpgsqlConnection(clinic.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select count(*) from pg_locks
             where locktype = 'advisory' and objsubid = 1 and granted
               and ((classid::bigint << 32) | objid::bigint) = $1
            """,
            connection)
        { Parameters = { new() { Value = key } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
