using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;
using Npgsql;

namespace Clinic.Drills.Bench;

internal sealed record CountsOptions(int Requests, double PerSecond, bool Feed);

/// <summary>
/// Where each request's cost goes: one published host, its PostgreSQL and SMTP traffic through counting relays,
/// a steady trickle of requests well below capacity, and every count divided by the requests. The host's idle
/// work over the same time (daemon polls, health checks) is measured first and subtracted.
/// </summary>
internal static partial class PipelineCounts
{
    public static async Task<string> RunAsync(DrillSettings settings, CountsOptions options, Action<string> progress)
    {
        await using var stage = await DrillStage.CreateAsync(settings, "counts");
        var database = new NpgsqlConnectionStringBuilder(settings.Postgres);
        var schemaPattern = new Regex(Regex.Escape(stage.Schema) + @"(_[a-z]+)?", RegexOptions.CultureInvariant);
        await using var postgres = CountingProxy.Start(database.Host ?? "127.0.0.1", database.Port, postgres: true, s => schemaPattern.Replace(s, "{schema}$1"));
        await using var smtp = CountingProxy.Start("127.0.0.1", stage.Smtp.Port, postgres: false);
        var viaProxy = new NpgsqlConnectionStringBuilder(settings.Postgres)
        {
            Host = "127.0.0.1",
            Port = postgres.Port,
            SslMode = SslMode.Disable,
            ApplicationName = "counts-host",
        };
        var overrides = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = viaProxy.ConnectionString,
            ["Notifications__Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        };
        if (options.Feed)
        {
            // The bench's routing: staff e-mail and the live staff feed.
            overrides["Notifications__Routing__Routine__1__Channel"] = "feed";
            overrides["Notifications__Routing__Routine__1__Recipients__0"] = "staff-inbox";
            overrides["Notifications__Routing__Urgent__1__Channel"] = "feed";
            overrides["Notifications__Routing__Urgent__1__Recipients__0"] = "staff-inbox";
        }

        var host = await stage.StartHostAsync("counts-host", overrides);
        // Long enough for the JIT's second tier to settle on the pipeline's code, which would otherwise count as idle work.
        progress("counts: warming up (100 requests)");
        var warmUp = new IntakeLoad(() => [host]);
        await warmUp.RunAsync(10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
        await DrainAsync(stage);
        await Task.Delay(TimeSpan.FromSeconds(10));

        // The host's own background work (daemon polls, timers, health, content polls) over a quiet spell.
        progress("counts: measuring the idle host for 20 s");
        var idleStart = await SampleAsync(stage, host, postgres, smtp);
        await Task.Delay(TimeSpan.FromSeconds(20));
        var idle = (await SampleAsync(stage, host, postgres, smtp)).Minus(idleStart);

        progress($"counts: {options.Requests} requests at {options.PerSecond}/s");
        var start = await SampleAsync(stage, host, postgres, smtp);
        var load = new IntakeLoad(() => [host]);
        await load.RunAsync(options.PerSecond, TimeSpan.FromSeconds(options.Requests / options.PerSecond), TimeSpan.FromSeconds(60));
        await DrainAsync(stage);
        var busy = (await SampleAsync(stage, host, postgres, smtp)).Minus(start);
        var accepted = load.Acknowledged;
        if (accepted == 0 || warmUp.Acknowledged == 0)
        {
            throw new InvalidOperationException($"The host accepted no requests ({string.Join(", ", load.Answers.Select(a => $"{a.Key} ×{a.Value}"))}); see its log.");
        }
        return Report(options, accepted, idle, busy, host);
    }

    private sealed record Sample(
        TimeSpan At, double HostCpuSeconds, double PostgresCpuSeconds, CountingProxy.Counts Sql, long SmtpSessions,
        Dictionary<string, double> Messages, Dictionary<string, long> Events, long DeliveryRecords)
    {
        public Sample Minus(Sample earlier) => new(
            At - earlier.At, HostCpuSeconds - earlier.HostCpuSeconds, PostgresCpuSeconds - earlier.PostgresCpuSeconds, Sql.Minus(earlier.Sql),
            SmtpSessions - earlier.SmtpSessions,
            Messages.ToDictionary(m => m.Key, m => m.Value - earlier.Messages.GetValueOrDefault(m.Key), StringComparer.Ordinal),
            Events.ToDictionary(e => e.Key, e => e.Value - earlier.Events.GetValueOrDefault(e.Key), StringComparer.Ordinal),
            DeliveryRecords - earlier.DeliveryRecords);
    }

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    private static async Task<Sample> SampleAsync(DrillStage stage, ClinicHost host, CountingProxy postgres, CountingProxy smtp)
    {
        var events = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(stage.Settings.Postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"select type, count(*) from {stage.Schema}.mt_events group by type", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                events[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var deliveries = await stage.ScalarAsync($"select count(*) from {stage.Schema}_notifications.mt_doc_deliveryrecord");
        var backends = await BackendPidsAsync(stage);
        return new Sample(
            Clock.Elapsed, CpuSeconds(host.ProcessId), backends.Sum(pid => CpuSeconds(pid)), postgres.Snapshot(), smtp.Snapshot().Connections,
            await MassTransitCountersAsync(host), events, deliveries);
    }

    /// <summary>The PostgreSQL backends serving the host (approximate: a backend that ends between samples takes its CPU with it).</summary>
    private static async Task<List<int>> BackendPidsAsync(DrillStage stage)
    {
        await using var connection = new NpgsqlConnection(stage.Settings.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pid from pg_stat_activity where application_name = 'counts-host'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var pids = new List<int>();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }

    /// <summary>utime + stime of a process from /proc, in seconds; 0 once it has gone.</summary>
    private static double CpuSeconds(int? pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    /// <summary>MassTransit's own counters from the host's Prometheus scrape: consumes, publishes, sends, by consumer and message type.</summary>
    private static async Task<Dictionary<string, double>> MassTransitCountersAsync(ClinicHost host)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(host.BaseAddress, "metrics"));
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var match = CounterLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var labels = LabelPairs().Matches(match.Groups["labels"].Value)
                .Where(l => l.Groups["name"].Value is "messaging_masstransit_consumer_type" or "messaging_masstransit_message_type" or "messaging_masstransit_destination_kind")
                .Select(l => ShortType(l.Groups["value"].Value));
            var key = $"{match.Groups["name"].Value.Replace("messaging_masstransit_", "", StringComparison.Ordinal).Replace("_ea_total", "", StringComparison.Ordinal).Replace("_total", "", StringComparison.Ordinal)} {string.Join(" ", labels)}".Trim();
            counters[key] = counters.GetValueOrDefault(key) + double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return counters;
    }

    private static string ShortType(string type) => type.Split(':', '.', '+').Last();

    [GeneratedRegex(@"^(?<name>messaging_masstransit_(receive|consume|publish|send|handler)(_ea)?_total)\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)")]
    private static partial Regex CounterLine();

    [GeneratedRegex("(?<name>[a-z_]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex LabelPairs();

    /// <summary>Until every stored request has its staff alerts recorded and the sealer has passed every event.</summary>
    private static async Task DrainAsync(DrillStage stage)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var behind = await stage.ScalarAsync("""
                select (select count(*) from {schema}.mt_events where type = 'intake_request_submitted') * 2
                     - (select count(*) from {schema}.mt_events where type = 'staff_notified')
                     + (select coalesce(max(seq_id), 0) from {schema}.mt_events)
                     - (select coalesce(max(last_seq_id), 0) from {schema}.mt_event_progression where name like 'audit-sealer%')
                """);
            if (behind <= 0)
            {
                // The last report's consumers and the feed finish within moments of the last append.
                await Task.Delay(TimeSpan.FromSeconds(2));
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The pipeline did not catch up within 5 minutes.");
    }

    private static string Report(CountsOptions options, int requests, Sample idle, Sample busy, ClinicHost host)
    {
        // Raw: everything the host did during the busy spell, divided by the requests. The idle rate is shown beside it
        // (multiply by the spell's length to see how much of a row is background work); subtracting it was tried and
        // made rows worse, because the quiet spell can still hold the tail of the warm-up's work.
        double Per(double busyValue, double idleValue) => busyValue / requests;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Per request, {requests} requests at {options.PerSecond}/s, routing e-mail + {(options.Feed ? "feed" : "webhook")}; everything the host did in those {busy.At.TotalSeconds:0} s (load and drain), divided by the requests.");
        text.AppendLine();
        text.AppendLine("| Count | Per request | Idle host, per second (background) |");
        text.AppendLine("|---|--:|--:|");
        void Row(string name, double busyValue, double idleValue) =>
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Per(busyValue, idleValue):0.##} | {idleValue / idle.At.TotalSeconds:0.##} |");
        Row("SQL round trips (Sync + COMMIT/ROLLBACK)", busy.Sql.RoundTrips, idle.Sql.RoundTrips);
        Row("SQL statements parsed", busy.Sql.Statements.Where(s => !s.Key.StartsWith("Q ", StringComparison.Ordinal)).Sum(s => s.Value),
            idle.Sql.Statements.Where(s => !s.Key.StartsWith("Q ", StringComparison.Ordinal)).Sum(s => s.Value));
        Row("DISCARD ALL (pooled connection resets)", busy.Sql.Discards, idle.Sql.Discards);
        Row("BEGIN (transactions)", busy.Sql.Begins, idle.Sql.Begins);
        Row("New PostgreSQL connections", busy.Sql.Connections, idle.Sql.Connections);
        Row("SMTP sessions", busy.SmtpSessions, idle.SmtpSessions);
        Row("Delivery-log rows created", busy.DeliveryRecords, idle.DeliveryRecords);
        foreach (var (type, count) in busy.Events.Where(e => e.Value > 0).OrderByDescending(e => e.Value))
        {
            Row($"Events appended: {type}", count, idle.Events.GetValueOrDefault(type));
        }

        foreach (var kind in new[] { "consume", "publish", "send" })
        {
            Row($"MassTransit {kind}s (all)", busy.Messages.Where(m => m.Key.StartsWith(kind + " ", StringComparison.Ordinal)).Sum(m => m.Value),
                idle.Messages.Where(m => m.Key.StartsWith(kind + " ", StringComparison.Ordinal)).Sum(m => m.Value));
        }

        Row("Host CPU, ms (noisy on a shared machine)", busy.HostCpuSeconds * 1000, idle.HostCpuSeconds * 1000);
        Row("PostgreSQL CPU of the host's backends, ms", busy.PostgresCpuSeconds * 1000, idle.PostgresCpuSeconds * 1000);
        text.AppendLine();
        text.AppendLine("MassTransit, per request (consumer or message type):");
        text.AppendLine();
        text.AppendLine("| Counter | Per request |");
        text.AppendLine("|---|--:|");
        foreach (var (key, value) in busy.Messages.Select(m => (m.Key, Value: Per(m.Value, idle.Messages.GetValueOrDefault(m.Key)))).Where(m => m.Value >= 0.05).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:0.##} |");
        }

        text.AppendLine();
        text.AppendLine("SQL, per request (the statements sent at least 0.05 times per request; literals kept, schema names replaced):");
        text.AppendLine();
        text.AppendLine("| Per request | Statement |");
        text.AppendLine("|--:|---|");
        foreach (var (statement, value) in busy.Sql.Statements.Select(s => (s.Key, Value: Per(s.Value, idle.Sql.Statements.GetValueOrDefault(s.Key)))).Where(s => s.Value >= 0.05).OrderByDescending(s => s.Value))
        {
            var shown = statement.Length > 140 ? statement[..140] + "…" : statement;
            text.AppendLine(CultureInfo.InvariantCulture, $"| {value:0.##} | `{shown.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal)}` |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Host log: {host.Name}.log; machine load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.");
        return text.ToString();
    }
}
