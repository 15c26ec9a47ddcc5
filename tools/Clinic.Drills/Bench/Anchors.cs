using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;
using Npgsql;

namespace Clinic.Drills.Bench;

/// <summary>
/// Debian's nginx serving one saved page as a static file: the ceiling for serving that HTML on this
/// machine. Run with its own prefix and config on a free loopback port, tuned as a static server would be.
/// </summary>
internal sealed class StaticNginx : IAsyncDisposable
{
    private readonly string _prefix;
    private Process? _process;

    private StaticNginx(string prefix) => _prefix = prefix;

    public int Port { get; } = Shell.FreePort();

    public static async Task<StaticNginx> ServeAsync(string path, byte[] html)
    {
        var prefix = Path.Combine(Path.GetTempPath(), $"clinic-bench-nginx-{Environment.ProcessId}");
        var nginx = new StaticNginx(prefix);
        var file = Path.Combine(prefix, "www", path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, html);
        // Workers run as nobody when nginx starts as root: they must be able to read the page.
        foreach (var directory in new[] { prefix, Path.Combine(prefix, "www"), Path.GetDirectoryName(file)! })
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("The bench runs on Linux.");
            }

            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, NginxConfig.Compose(prefix, $$"""
                open_file_cache max=100;
                server {
                    listen 127.0.0.1:{{nginx.Port}};
                    root {{prefix}}/www;
                }
            """));
        var start = new ProcessStartInfo("nginx") { ArgumentList = { "-e", Path.Combine(prefix, "error.log"), "-p", prefix, "-c", config } };
        nginx._process = Process.Start(start) ?? throw new InvalidOperationException("Could not start nginx (apt-get install nginx-light).");
        await Shell.WaitForPortAsync(nginx.Port, TimeSpan.FromSeconds(10));
        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            await Shell.TerminateAsync(process.Id);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_prefix, recursive: true);
    }
}

/// <summary>
/// The nginx configuration both page anchors share (the static page's and the WordPress peer's): in the foreground,
/// every file under its own prefix, tuned as a busy server would be; <paramref name="http"/> adds the servers.
/// </summary>
internal static class NginxConfig
{
    public static string Compose(string prefix, string http, string? user = null) => $$"""
        daemon off;
        {{(user is null ? "" : $"user {user};")}}
        worker_processes auto;
        pid {{prefix}}/nginx.pid;
        error_log {{prefix}}/error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            sendfile on;
            tcp_nopush on;
            tcp_nodelay on;
            keepalive_requests 1000000;
            client_body_temp_path {{prefix}}/body;
            proxy_temp_path {{prefix}}/proxy;
            fastcgi_temp_path {{prefix}}/fastcgi;
            uwsgi_temp_path {{prefix}}/uwsgi;
            scgi_temp_path {{prefix}}/scgi;
            default_type "text/html; charset=utf-8";
        {{http}}
        }
        """;
}

internal sealed record PgBenchResult(int Clients, double TransactionsPerSecond, double LatencyMs);

/// <summary>
/// pgbench's durable single-row insert on the same database the host uses: the ceiling for committed
/// writes on this machine (synchronous_commit as configured, i.e. each commit waits for the WAL flush).
/// </summary>
internal static partial class PgBench
{
    public static async Task<PgBenchResult> InsertRateAsync(string connectionString, int clients, TimeSpan duration, string schema)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"create schema if not exists {schema}; create table {schema}.writes (id bigserial primary key, written_at timestamptz not null default now(), payload text not null)",
                connection);
            await create.ExecuteNonQueryAsync();
        }

        var script = Path.GetTempFileName();
        // About the size of a submitted request's event.
        await File.WriteAllTextAsync(script, $"insert into {schema}.writes (payload) values (repeat('x', 600));\n");
        try
        {
            var start = new ProcessStartInfo("pgbench") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                "-f", script, "-h", settings.Host!, "-p", settings.Port.ToString(CultureInfo.InvariantCulture), "-U", settings.Username!, settings.Database!,
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PGPASSWORD"] = settings.Password;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start pgbench.");
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0 || Tps().Match(output) is not { Success: true } tps)
            {
                throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {error}{output}");
            }

            var latency = Latency().Match(output) is { Success: true } l ? double.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
            return new PgBenchResult(clients, double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), latency);
        }
        finally
        {
            File.Delete(script);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([\d.]+) ms")]
    private static partial Regex Latency();
}
