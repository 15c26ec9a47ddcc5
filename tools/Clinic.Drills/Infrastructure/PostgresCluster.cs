using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of a drill's own (Debian's pg_createcluster, on a free port, not started with the
/// machine), so a drill may destroy its database without touching the shared one on port 5432. Dropped
/// when disposed, whatever happened.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private PostgresCluster(string version, string name, int port, string password)
    {
        Version = version;
        Name = name;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=clinic;Password={password};Database=clinic";
    }

    public string Version { get; }

    public string Name { get; }

    public int Port { get; }

    /// <summary>As the hosts use it: the clinic role (created with a random password) and its database.</summary>
    public string ConnectionString { get; }

    /// <summary>The newest PostgreSQL installed, as deploy/local/services.sh picks it.</summary>
    public static string InstalledVersion() =>
        System.IO.Directory.GetDirectories("/usr/lib/postgresql").Select(Path.GetFileName).OfType<string>()
            .OrderBy(v => int.Parse(v.Split('.')[0], CultureInfo.InvariantCulture)).Last();

    /// <summary>
    /// A new cluster with WAL archiving switched on (archive_mode needs a restart, so it is set at creation;
    /// backup.sh points archive_command at its archive) and small WAL segments, so a short archive_timeout
    /// does not write 16 MB a second.
    /// </summary>
    public static async Task<PostgresCluster> CreateAsync(string name)
    {
        var version = InstalledVersion();
        var port = Shell.FreePort();
        await Shell.RunAsync(
            "pg_createcluster", "-p", port.ToString(CultureInfo.InvariantCulture), "--start-conf=manual",
            "-o", "archive_mode=on", "-o", "archive_command=/bin/true", "--start", version, name, "--", "--wal-segsize=1");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var cluster = new PostgresCluster(version, name, port, password);
        try
        {
            await cluster.PsqlAsync($"CREATE ROLE clinic LOGIN PASSWORD '{password}'");
            await cluster.PsqlAsync("CREATE DATABASE clinic OWNER clinic");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A cluster restore.sh made; the caller knows its name and port and the role's password is the source's.</summary>
    public static PostgresCluster Adopt(string version, string name, int port, string sourceConnectionString) =>
        new(version, name, port, new NpgsqlConnectionStringBuilder(sourceConnectionString).Password!);

    /// <summary>The disaster: stopped without a checkpoint (as a machine dies) and its data directory deleted.</summary>
    /// <returns>When the server was surely gone (its stop had returned).</returns>
    public async Task<DateTimeOffset> DestroyAsync()
    {
        await Shell.RunAsync("pg_ctlcluster", Version, Name, "stop", "-m", "immediate");
        var gone = DateTimeOffset.UtcNow;
        await Shell.RunAsync("pg_dropcluster", Version, Name);
        NpgsqlConnection.ClearAllPools();
        return gone;
    }

    /// <summary>
    /// WAL stops reaching the archive from now on, as when the link to the backup store falls behind: what is written
    /// next stays on this cluster's own disk (ALTER SYSTEM outranks the archive_command backup.sh set in conf.d).
    /// </summary>
    public async Task HoldArchivingAsync()
    {
        await PsqlAsync("ALTER SYSTEM SET archive_command = '/bin/false'");
        await PsqlAsync("SELECT pg_reload_conf()");
    }

    /// <summary>One value from the cluster, as the clinic role.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        // Patient: right after a restore, on a busy machine, the first connections and queries can be slow.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 120 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        return await command.ExecuteScalarAsync();
    }

    private Task PsqlAsync(string sql) => Shell.RunAsync(
        "runuser", "-u", "postgres", "--", $"/usr/lib/postgresql/{Version}/bin/psql", "-p", Port.ToString(CultureInfo.InvariantCulture),
        "-v", "ON_ERROR_STOP=1", "-qtAX", "-c", sql);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await Shell.RunAsync("pg_dropcluster", "--stop", Version, Name);
        }
        catch (InvalidOperationException)
        {
            // Destroyed already (the drill's disaster), or never fully made.
        }
    }
}
