using System.Globalization;
using Npgsql;

namespace Clinic.Drills.Infrastructure;

/// <summary>Where the drill runs: the services it may stop, the published host, and where evidence goes.</summary>
internal sealed record DrillSettings(string Postgres, Uri RabbitMq, string HostDll, string OutputDirectory);

/// <summary>
/// One scenario's private world: its own database schemas, its own RabbitMQ virtual host, its own SMTP
/// sink and webhook receiver, and the hosts it starts. Nothing is shared with other scenarios or runs.
/// </summary>
internal sealed class DrillStage : IAsyncDisposable
{
    public const string StaffAddress = "intake-team@clinic.invalid";
    private DrillSettings _settings;
    private readonly List<ClinicHost> _hosts = [];
    private readonly string _vhost;
    private readonly string _privacyMasterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly string _privacyBlindIndexKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private DrillStage(DrillSettings settings, string scenario)
    {
        _settings = settings;
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        Schema = $"drill_{scenario.Replace('-', '_')}_{run}";
        _vhost = $"clinic-drill-{scenario}-{run}";
        Directory = Path.Combine(settings.OutputDirectory, scenario);
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Directory);
        Smtp = new SmtpSink(Path.Combine(Directory, "mail"));
        Webhooks = new WebhookSink();
    }

    public string Schema { get; }

    public DrillSettings Settings => _settings;

    /// <summary>Leave the schemas in place at the end, for a look at what went wrong.</summary>
    public bool KeepData { get; set; }

    public string Directory { get; }

    public SmtpSink Smtp { get; }

    public WebhookSink Webhooks { get; }

    public IReadOnlyList<ClinicHost> Hosts => _hosts;

    /// <summary>Hosts started from now on, and the stage's own queries, use this database (a restored copy, say).</summary>
    public void MoveDatabase(string postgres) => _settings = _settings with { Postgres = postgres };

    public IReadOnlyList<ClinicHost> RunningHosts => [.. _hosts.Where(h => h.IsRunning)];

    public static async Task<DrillStage> CreateAsync(DrillSettings settings, string scenario)
    {
        var stage = new DrillStage(settings, scenario);
        await Shell.RunAsync("rabbitmqctl", "-q", "add_vhost", stage._vhost);
        await Shell.RunAsync("rabbitmqctl", "-q", "set_permissions", "-p", stage._vhost, settings.RabbitMq.UserInfo.Split(':')[0], ".*", ".*", ".*");
        await stage.Smtp.StartAsync();
        await stage.Webhooks.StartAsync();
        return stage;
    }

    /// <summary>A host configured like production, pointed at this stage's services; the first one applies the schema.</summary>
    public async Task<ClinicHost> StartHostAsync(string name, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var environment = HostEnvironment(name);
        foreach (var (key, value) in ImageRuntimeSettings.Load())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var host = new ClinicHost(name, _settings.HostDll, environment, Path.Combine(Directory, $"{name}.log"));
        if (_hosts.Count == 0)
        {
            await host.MigrateAsync();
        }

        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private Dictionary<string, string> HostEnvironment(string name)
    {
        var rabbit = new UriBuilder(_settings.RabbitMq) { Path = "/" + Uri.EscapeDataString(_vhost) }.Uri;
        return new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // Loopback without TLS, like ./clinic run.
            ["Security__AllowPlainHttp"] = "true",
            // The application name shows in pg_stat_activity, which is how the drill sees the daemon's leader.
            // No TLS to PostgreSQL either, as with docker-compose.yml's database: Debian's cluster offers TLS, and
            // Npgsql's default would otherwise encrypt every round trip on loopback (docs/benchmarks.md, fifth round).
            ["ConnectionStrings__Postgres"] = $"{_settings.Postgres};SSL Mode=Disable;Application Name={name}",
            ["ConnectionStrings__RabbitMq"] = rabbit.ToString(),
            ["Intake__Schema"] = Schema,
            // Keys for this drill's world only, shared by its hosts (they read each other's requests).
            ["Privacy__MasterKeys__drill"] = _privacyMasterKey,
            ["Privacy__ActiveMasterKey"] = "drill",
            ["Privacy__BlindIndexKey"] = _privacyBlindIndexKey,
            // A file beside the drill's evidence, outside every database the drill may destroy, shared by its hosts.
            ["Privacy__ErasureJournal"] = Path.Combine(Directory, "erasure-journal.jsonl"),
            ["Notifications__Schema"] = Schema + "_notifications",
            ["Content__Schema"] = Schema + "_content",
            ["Intake__RateLimit__PermitLimit"] = "1000000",
            ["Notifications__SiteBaseUrl"] = "http://clinic.drill/",
            ["Notifications__Smtp__Host"] = "127.0.0.1",
            ["Notifications__Smtp__Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications__Smtp__Security"] = "None",
            ["Notifications__Smtp__Timeout"] = "00:00:05",
            ["Notifications__Routing__Routine__0__Channel"] = "email",
            ["Notifications__Routing__Routine__0__Recipients__0"] = StaffAddress,
            ["Notifications__Routing__Routine__1__Channel"] = "webhook",
            ["Notifications__Routing__Routine__1__Recipients__0"] = "relay",
            ["Notifications__Routing__Urgent__0__Channel"] = "email",
            ["Notifications__Routing__Urgent__0__Recipients__0"] = StaffAddress,
            ["Notifications__Routing__Urgent__1__Channel"] = "webhook",
            ["Notifications__Routing__Urgent__1__Recipients__0"] = "relay",
            ["Notifications__Webhooks__relay__Url"] = Webhooks.Url.ToString(),
            ["Notifications__Webhooks__relay__Secret"] = WebhookSink.Secret,
            ["Notifications__SendVisitorAcknowledgements"] = "false",
            ["Logging__LogLevel__Default"] = "Information",
        };
    }

    /// <summary>How many events of a type (Marten's alias, e.g. "staff_notified") the intake store holds.</summary>
    public async Task<int> CountEventsAsync(string type)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {Schema}.mt_events where type = $1", connection) { Parameters = { new() { Value = type } } };
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>How many arrival alerts (StaffAlerted without an escalation step) each request's history records, by reference and channel.</summary>
    public async Task<Dictionary<(string Reference, string Channel), int>> ArrivalAlertsOnHistoriesAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            select r.data->>'Reference', e.data->>'Channel', count(*)::int
            from {Schema}.mt_doc_requestreceipt r join {Schema}.mt_events e on e.stream_id = r.id
            where e.type = 'staff_notified' and e.data->>'Step' is null
            group by 1, 2
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<(string, string), int>();
        while (await reader.ReadAsync())
        {
            counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    /// <summary>The (reference, channel) of every arrival alert the delivery log records as sent.</summary>
    public async Task<HashSet<(string Reference, string Channel)>> SentArrivalAlertsAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            select distinct r.data->>'Reference', d.data->>'Channel'
            from {Schema}_notifications.mt_doc_deliveryrecord d join {Schema}.mt_doc_requestreceipt r on r.id = (d.data->>'RequestId')::uuid
            where d.data->>'DeliveredAt' is not null and array_length(string_to_array(d.id, '.'), 1) = 3
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var sent = new HashSet<(string, string)>();
        while (await reader.ReadAsync())
        {
            sent.Add((reader.GetString(0), reader.GetString(1)));
        }

        return sent;
    }

    /// <summary>The references of every request the intake store holds.</summary>
    public async Task<HashSet<string>> StoredReferencesAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"select data->>'Reference' from {Schema}.mt_doc_requestreceipt", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var references = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            references.Add(reader.GetString(0));
        }

        return references;
    }

    /// <summary>
    /// Who holds each daemon leadership lock right now (one lock per daemon shard: the forwarder, the
    /// sealer). With transaction-scoped advisory locks the leader keeps one transaction open for as long
    /// as it leads (idle, or running its monitoring query); short append transactions are not leaders.
    /// </summary>
    public async Task<IReadOnlyList<(long LockId, string Host)>> LeadersAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select l.objid::bigint, a.application_name
            from pg_locks l join pg_stat_activity a on a.pid = l.pid
            where l.locktype = 'advisory' and l.granted and l.classid = 0 and l.objsubid = 1
              and a.application_name = any($1)
              and now() - a.xact_start > interval '2 seconds'
            """,
            connection)
        { Parameters = { new() { Value = _hosts.Select(h => h.Name).ToArray() } } };
        await using var reader = await command.ExecuteReaderAsync();
        var leaders = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            leaders.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return leaders;
    }

    /// <summary>One number from the stage's database; "{schema}" in the SQL names the intake schema.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", Schema, StringComparison.Ordinal), connection) { CommandTimeout = 600 };
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    /// <summary>Runs SQL (several statements allowed) against the stage's database; "{schema}" names the intake schema.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", Schema, StringComparison.Ordinal), connection) { CommandTimeout = 1800 };
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_settings.Postgres) { Timeout = 120 }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await Webhooks.DisposeAsync();
        await Shell.RunAsync("rabbitmqctl", "-q", "delete_vhost", _vhost);
        if (KeepData)
        {
            return;
        }

        try
        {
            await using var connection = await OpenAsync();
            await using var drop = new NpgsqlCommand($"drop schema if exists {Schema} cascade; drop schema if exists {Schema}_notifications cascade; drop schema if exists {Schema}_timers cascade; drop schema if exists {Schema}_keys cascade; drop schema if exists {Schema}_accounts cascade; drop schema if exists {Schema}_content cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // Evidence stays in the logs; a leftover schema is harmless.
        }
    }
}
