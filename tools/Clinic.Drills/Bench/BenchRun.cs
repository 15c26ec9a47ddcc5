using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;
using Npgsql;
using static Clinic.Drills.Bench.Format;

namespace Clinic.Drills.Bench;

/// <param name="Quick">Short phases and a small history: a smoke run of the bench itself, not numbers to publish.</param>
/// <param name="Keep">Leave the bench's schemas in place afterwards (to run the audit commands against 1M events by hand).</param>
/// <param name="WordPress">Set Debian's WordPress up beside Clinic and measure it under the same loads (off: --no-wordpress).</param>
/// <param name="Profile">Record a system-wide perf profile over the 100 req/s submission → staff e-mail phase (--profile).</param>
internal sealed record BenchOptions(bool Quick, long HistoryEvents, bool Keep = false, bool WordPress = true, bool Profile = false)
{
    /// <summary>Requests the long history holds: the inbox's scale target, or a small store for a quick run.</summary>
    public long HistoryRequests => Quick ? 10_000 : InboxMeasure.TargetRequests;
}

/// <summary>
/// The whole benchmark in one run: the published host as its own process with production settings, the
/// load from other processes (wrk, and this process's open-loop generator), and each measure beside its
/// anchor on the same machine in the same run (nginx for pages, pgbench for durable inserts, and the site a clinic
/// would run instead: Debian's WordPress, for the page and for a submission that e-mails staff).
/// </summary>
internal static partial class BenchRun
{
    public const string StoppedEarly = "The bench stopped early";
    private const string Page = "conditions/ptsd";

    /// <summary>Production routing: e-mail and the staff feed (the drills' webhook receiver is not part of this measure).</summary>
    internal static readonly Dictionary<string, string> HostSettings = new()
    {
        ["Notifications__Routing__Routine__1__Channel"] = "feed",
        ["Notifications__Routing__Routine__1__Recipients__0"] = "staff-inbox",
        ["Notifications__Routing__Urgent__1__Channel"] = "feed",
        ["Notifications__Routing__Urgent__1__Recipients__0"] = "staff-inbox",
    };

    /// <summary>Staff notifications owed per routine request with that routing: one e-mail, one feed item.</summary>
    private const int ChannelsPerRequest = 2;

    public static async Task<BenchReport> RunAsync(DrillSettings settings, BenchOptions options, Action<string> progress)
    {
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var rows = new List<BenchRow>();
        var details = new Dictionary<string, object>();
        var machine = await MachineAsync(settings.Postgres);
        var targets = new IssueTargets(options.WordPress);
        await using var stage = await DrillStage.CreateAsync(settings, "bench");
        try
        {
            await MeasureAsync(stage, options, rows, targets, details, run, progress);
            stage.KeepData = options.Keep;
        }
        catch (Exception e)
        {
            // The table so far is still worth printing; the schema stays for a look at what went wrong.
            stage.KeepData = true;
            rows.Add(new BenchRow(StoppedEarly, e.Message, "", "", "", false, $"data kept in schema {stage.Schema}; host logs under {stage.Directory}"));
        }

        progress("crisis detection: the rules against the evaluation set");
        rows.Add(CrisisDetection.Measure(details));

        return new BenchReport(DateTimeOffset.UtcNow, machine, rows, details) { Targets = targets.Rows() };
    }

    private static async Task MeasureAsync(DrillStage stage, BenchOptions options, List<BenchRow> rows, IssueTargets targets, Dictionary<string, object> details, string run, Action<string> progress)
    {
        var settings = stage.Settings;
        var phase = TimeSpan.FromSeconds(options.Quick ? 5 : 10);
        var warmUp = TimeSpan.FromSeconds(options.Quick ? 2 : 5);
        var host = await stage.StartHostAsync("bench-host", options.Profile ? new(HostSettings.Concat(PerfProfile.HostSettings)) : HostSettings);
        void Add(BenchRow row)
        {
            rows.Add(row);
            progress($"  {row.Measure}: {row.Result}{(row.Anchor.Length > 0 ? " vs " + row.Anchor : "")}");
        }

        // ---- Content: the same page from the host and from nginx.
        progress("content: the host, then nginx serving the same HTML");
        var page = new Uri(host.BaseAddress, Page);
        WrkResult served, anchor;
        byte[] html;
        using (var http = new HttpClient())
        {
            html = await http.GetByteArrayAsync(page);
            await Wrk.RunAsync(page, warmUp, 64);
            served = await Wrk.RunAsync(page, phase * 1.5, 64);
            await using var nginx = await StaticNginx.ServeAsync("/" + Page, html);
            var anchorUrl = new Uri($"http://127.0.0.1:{nginx.Port}/{Page}");
            await Wrk.RunAsync(anchorUrl, warmUp, 64);
            anchor = await Wrk.RunAsync(anchorUrl, phase * 1.5, 64);
            details["content"] = new { host = served, nginx = anchor, bytes = html.Length };
            Add(new BenchRow(
                $"Content page `/{Page}` (wrk, 64 connections)",
                $"{Rate(served.SucceededPerSecond)}, p99 {Ms(served.P99Ms)}, {Kilobytes(html.Length)} page",
                $"nginx {Rate(anchor.SucceededPerSecond)}, p99 {Ms(anchor.P99Ms)}",
                Ratio(served.SucceededPerSecond, anchor.SucceededPerSecond),
                "≥ 60% of nginx",
                served.SucceededPerSecond >= 0.6 * anchor.SucceededPerSecond && served.NonSuccess == 0));
        }

        // ---- The site a clinic would run instead: the same page and a submission that e-mails staff, from Debian's WordPress.
        WordPressResults? wordpress = null;
        if (options.WordPress)
        {
            progress("wordpress: Debian's WordPress (php-fpm, MariaDB, nginx) set up beside the host, under the same loads");
            // The same SMTP sink as the host's (aiosmtpd writing a Maildir), in its own Maildir: thousands of WordPress
            // e-mails would otherwise be re-read by every later poll for Clinic's.
            await using (var mail = new SmtpSink(Path.Combine(stage.Directory, "wordpress-mail")))
            {
                await mail.StartAsync();
                wordpress = await WordPressMeasure.RunAsync(mail, warmUp, phase, options.Quick, run, progress);
            }

            details["wordpress"] = wordpress;
            var fastest = Math.Max(wordpress.Uncached.SucceededPerSecond, wordpress.Cached.SucceededPerSecond);
            Add(new BenchRow(
                "Content page beside WordPress, uncached (php-fpm static pool of 8, MariaDB; wrk, 64 connections)",
                $"{Rate(served.SucceededPerSecond)}, {Kilobytes(html.Length)} page",
                $"WordPress {Rate(wordpress.Uncached.SucceededPerSecond)}, p99 {Ms(wordpress.Uncached.P99Ms)}, {Kilobytes(wordpress.PageBytes)} page",
                Times(served.SucceededPerSecond, wordpress.Uncached.SucceededPerSecond),
                "", null,
                wordpress.Uncached.NonSuccess + wordpress.Uncached.SocketErrors == 0 ? "" : $"WordPress uncached: {wordpress.Uncached.NonSuccess} non-2xx/3xx answers, {wordpress.Uncached.SocketErrors} socket errors"));
            Add(new BenchRow(
                "Content page beside WordPress behind nginx's FastCGI cache (wrk, 64 connections)",
                $"{Rate(served.SucceededPerSecond)}, {Kilobytes(html.Length)} page",
                $"WordPress {Rate(wordpress.Cached.SucceededPerSecond)}, p99 {Ms(wordpress.Cached.P99Ms)}, {Kilobytes(wordpress.PageBytes)} page",
                Times(served.SucceededPerSecond, wordpress.Cached.SucceededPerSecond),
                "≥ 1.5× cached WordPress",
                served.SucceededPerSecond >= 1.5 * wordpress.Cached.SucceededPerSecond && served.NonSuccess == 0 && fastest > 0));
        }

        targets.Content(served, anchor, html.Length, wordpress);

        // ---- Pipeline: submission to the staff e-mail arriving at the SMTP sink, at 100 requests/s.
        progress("intake: warming up");
        // Long enough for tiered JIT to settle: the first minute of a .NET host is mostly the JIT.
        await OpenLoop.RunAsync(host.BaseAddress, 50, options.Quick ? warmUp : TimeSpan.FromSeconds(20), run + "-warm");
        await DrainAsync(stage);
        var hostPid = host.ProcessId ?? throw new InvalidOperationException("The bench host is not running.");
        foreach (var rate in new[] { 50, 100 })
        {
            progress($"pipeline: {rate} requests/s, submission → staff e-mail received");
            var cpu = CpuSample.Take(hostPid);
            var pipelineSeconds = TimeSpan.FromSeconds(options.Quick ? 10 : 20);
            var profile = options.Profile && rate == 100 ? PerfProfile.Start(Path.Combine(settings.OutputDirectory, "profile"), pipelineSeconds) : null;
            var pipeline = await OpenLoop.RunAsync(host.BaseAddress, rate, pipelineSeconds, $"{run}-pipeline-{rate}");
            var notified = await WaitForMailAsync(stage, pipeline.Accepted, TimeSpan.FromSeconds(120));
            if (profile is not null)
            {
                details["profile"] = await profile.FinishAsync(hostPid);
                progress($"  profile of the {rate} req/s phase: {details["profile"]}");
            }

            var pipelineP99 = Percentiles.Of(notified, 99);
            details[$"pipeline-{rate}"] = new { offered = pipeline.Sent, accepted = pipeline.Accepted.Count, mailed = notified.Count, p50 = Percentiles.Of(notified, 50), p99 = pipelineP99, max = Percentiles.Of(notified, 100) };
            var clinicMail = $"p50 {Ms(Percentiles.Of(notified, 50))}, p99 {Ms(pipelineP99)} ({notified.Count}/{pipeline.Sent} mailed)";
            Add(new BenchRow(
                $"Submission → staff e-mail at the SMTP sink, {rate} req/s offered",
                clinicMail,
                "", "", rate == 100 ? "p99 < 250 ms" : "",
                rate == 100 ? pipelineP99 < 250 && notified.Count == pipeline.Sent : null));
            if (wordpress?.Mail.FirstOrDefault(m => m.Rate == rate) is { } peer)
            {
                Add(new BenchRow(
                    $"Submission → e-mail beside WordPress (comment held for moderation, moderator e-mailed inside the request), {rate} req/s offered",
                    clinicMail,
                    $"WordPress p50 {Ms(peer.P50)}, p99 {Ms(peer.P99)} ({peer.Mailed}/{peer.Offered} mailed)",
                    "", "", null,
                    peer.Accepted == peer.Offered ? "" : $"WordPress at {rate}/s: {peer.Offered - peer.Accepted} of {peer.Offered} posts not answered with a redirect within 10 s ({string.Join(", ", peer.Failures.Select(f => $"{f.Key} ×{f.Value}"))}); their e-mails still count, from the post's due time"));
            }

            await DrainAsync(stage);
            if (rate == 100)
            {
                var used = cpu.Since(hostPid, pipeline.Accepted.Count);
                details["cpu-per-request-100"] = used;
                targets.Mail(pipelineP99, notified.Count, pipeline.Sent);
                targets.Cpu(used);
                Add(new BenchRow(
                    "Host + PostgreSQL CPU per request, end to end (100 req/s offered, from the first submission until every alert is recorded and every event sealed)",
                    used.Describe(),
                    wordpress is null ? "" : $"WordPress {wordpress.CpuMsPerComment:0.0} ms per comment (nginx + PHP + MariaDB)",
                    "", "≤ 4 ms together", used.TotalMs <= 4,
                    $"RabbitMQ used {used.RabbitMqMs:0.00} ms per request besides; PostgreSQL's figure counts every process named postgres on the machine"));
            }
        }

        // ---- Intake latency at fixed offered loads (open loop: no coordinated omission).
        foreach (var rate in new[] { 100, 500, 1000 })
        {
            await DrainAsync(stage);
            progress($"intake: {rate} requests/s offered for {phase.TotalSeconds:0} s");
            var load = await OpenLoop.RunAsync(host.BaseAddress, rate, phase, $"{run}-load");
            details[$"intake-{rate}"] = new { load.Sent, accepted = load.Accepted.Count, load.Failures, p50 = load.Percentile(50), p99 = load.Percentile(99), max = load.Percentile(100) };
            var failed = load.Failures.Values.Sum();
            if (rate == 500)
            {
                targets.IntakeLatency(load.Percentile(99), failed, load.Sent);
            }

            Add(new BenchRow(
                $"Intake API latency at {rate} req/s offered (open loop)",
                $"p50 {Ms(load.Percentile(50))}, p99 {Ms(load.Percentile(99))}, max {Ms(load.Percentile(100))}",
                "", "",
                rate == 500 ? "p99 < 50 ms" : "",
                rate == 500 ? load.Percentile(99) < 50 && failed == 0 : null,
                failed == 0 ? "" : $"{failed} of {load.Sent} not accepted at {rate}/s: {string.Join(", ", load.Failures.Select(f => $"{f.Key} ×{f.Value}"))}"));
        }

        // ---- Sustained intake throughput (closed loop, as many as the host accepts) against pgbench on the same database.
        await DrainAsync(stage);
        progress($"intake: sustained throughput for {phase.TotalSeconds * 2:0} s (wrk, 32 connections)");
        var storedBefore = await stage.ScalarAsync("select count(*) from {schema}.mt_doc_requestreceipt");
        var sustainedCpu = CpuSample.Take(hostPid);
        var script = await IntakeScriptAsync();
        var intake = await Wrk.RunAsync(new Uri(host.BaseAddress, "api/intake/requests"), phase * 2, 32, script, run);
        File.Delete(script);
        var stored = await stage.ScalarAsync("select count(*) from {schema}.mt_doc_requestreceipt") - storedBefore;
        progress($"pgbench: 16 clients, durable single-row inserts for {phase.TotalSeconds:0} s");
        var drained = await DrainAsync(stage);
        var saturated = sustainedCpu.Since(hostPid, stored);
        var pgbench = await PgBench.InsertRateAsync(settings.Postgres, 16, phase, $"bench_pgbench_{run}");
        // Every request stored under the load is fully notified (and sealed) once the backlog has drained: the rate the
        // whole pipeline sustained end to end, intake and alerts sharing the machine as they do in production.
        var notifiedPerSecond = stored / (intake.Seconds + drained.TotalSeconds);
        details["throughput"] = new { wrk = intake, storedDuringRun = stored, backlogDrainedSeconds = drained.TotalSeconds, pgbench, cpu = saturated, notifiedPerSecond };
        targets.Intake(intake, pgbench);
        targets.Notified(notifiedPerSecond, stored, intake.Seconds, drained.TotalSeconds);
        Add(new BenchRow(
            "Intake: accepted submissions/s (JSON API + Idempotency-Key, wrk 32 connections)",
            Rate(intake.SucceededPerSecond),
            $"pgbench inserts {Rate(pgbench.TransactionsPerSecond)} (16 clients)",
            Ratio(intake.SucceededPerSecond, pgbench.TransactionsPerSecond),
            "≥ 1,500/s, ≥ 10% of pgbench",
            intake.SucceededPerSecond >= 1500 && intake.SucceededPerSecond >= 0.1 * pgbench.TransactionsPerSecond && intake.NonSuccess == 0,
            $"{Number(intake.Requests - intake.NonSuccess)} accepted in {intake.Seconds:0} s, {Number(stored)} stored, {intake.NonSuccess} refused; the notification backlog drained {drained.TotalSeconds:0} s after the load stopped; CPU per stored request over load and drain: {saturated.Describe()}."));
        Add(new BenchRow(
            "Notified requests/s sustained (requests stored under the load above ÷ (load + drain until every alert is recorded))",
            Rate(notifiedPerSecond),
            "", "", "≥ 300/s", notifiedPerSecond >= 300));
        if (wordpress is not null)
        {
            Add(new BenchRow(
                "Submissions accepted/s beside WordPress comments held for moderation (wrk, 32 connections)",
                $"{Rate(intake.SucceededPerSecond)}, p99 {Ms(intake.P99Ms)}",
                $"WordPress {Rate(wordpress.CommentsPerSecond)}, p99 {Ms(wordpress.Comments.P99Ms)}",
                Times(intake.SucceededPerSecond, wordpress.CommentsPerSecond),
                "", null,
                $"WordPress: {Number(wordpress.CommentsHeld)} comments stored in {wordpress.Comments.Seconds:0} s, {Number(wordpress.CommentsMailed)} moderator e-mails at the sink (each sent inside its request); Clinic's staff e-mails follow asynchronously (the notified rate above)."));
        }

        progress("encryption: the per-submission cost of encryption at rest, set against the intake rate above");
        Add(EncryptionCost.Row(intake.SucceededPerSecond, details));

        var peak = host.PeakResidentBytes() ?? 0;
        Add(new BenchRow("Host peak RSS (VmHWM) after every load above", $"{peak / 1024 / 1024} MB", "", "", "< 300 MB", peak < 300L * 1024 * 1024));
        targets.Rss(peak);
        await host.StopAsync();

        // ---- Audit over a long history.
        progress($"audit: growing the history to {options.HistoryEvents:N0} events and {options.HistoryRequests:N0} requests");
        var generate = Stopwatch.StartNew();
        var (events, requests) = await HistoryGenerator.GrowToAsync(stage, options.HistoryEvents, options.HistoryRequests);
        details["history"] = new { events, requests, generatedSeconds = generate.Elapsed.TotalSeconds };
        progress($"audit: {events:N0} events; the daemon's sealer catches up");
        var sealer = await stage.StartHostAsync("bench-sealer", HostSettings);
        var sealing = await WaitForSealerAsync(stage, TimeSpan.FromMinutes(20));
        var sealerPeak = sealer.PeakResidentBytes() ?? 0;
        await sealer.StopAsync();
        Add(new BenchRow(
            $"Sealing {Number(events)} events (the daemon's sealer catching up)",
            $"{Rate(sealing.Events / sealing.Elapsed.TotalSeconds)} ({sealing.Elapsed.TotalSeconds:0} s)",
            "", "", "", null, $"host peak RSS while sealing: {sealerPeak / 1024 / 1024} MB"));

        progress("audit: replay (full read-model rebuild)");
        var (replayExit, replayOutput) = await sealer.RunCommandAsync("audit replay");
        var replay = ReplayLine().Match(replayOutput);
        var replayRate = replay.Success ? double.Parse(replay.Groups["rate"].Value, CultureInfo.InvariantCulture) : 0;
        details["replay"] = new { exit = replayExit, output = replay.Value };
        targets.Replay(replay.Success && replayExit == 0 ? replayRate : double.NaN, events);
        Add(new BenchRow(
            $"Read-model rebuild (`audit replay`) over {Number(events)} events",
            replay.Success ? $"{Rate(replayRate)} ({replay.Groups["seconds"].Value} s, {Number(long.Parse(replay.Groups["requests"].Value, CultureInfo.InvariantCulture))} requests)" : "failed",
            "", "", "≥ 100,000 events/s",
            replayExit == 0 && replayRate >= 100_000));

        progress("audit: verify");
        var (verifyExit, verifyOutput) = await sealer.RunCommandAsync("audit verify --require-sealed");
        var verify = VerifyLine().Match(verifyOutput);
        var verifySeconds = verify.Success ? double.Parse(verify.Groups["seconds"].Value, CultureInfo.InvariantCulture) : double.NaN;
        details["verify"] = new { exit = verifyExit, output = verify.Value };
        Add(new BenchRow(
            $"`audit verify` over {Number(events)} events",
            verify.Success ? $"{verifySeconds:0.0} s ({Rate(long.Parse(verify.Groups["events"].Value, CultureInfo.InvariantCulture) / verifySeconds)}), {(verifyExit == 0 ? "intact" : "NOT intact")}" : "failed",
            "", "", "< 30 s",
            verifyExit == 0 && verifySeconds < 30));

        // ---- The staff inbox over the long history, whose read models the replay above has just built.
        progress("inbox: a signed-in staff member's views over the long history");
        await stage.ExecuteAsync("analyze {schema}.mt_doc_inboxentry;");
        var inboxRequests = await stage.ScalarAsync("select count(*) from {schema}.mt_doc_inboxentry");
        var lookups = await InboxMeasure.SampleRequestsAsync(stage, 200);
        var inbox = await stage.StartHostAsync("bench-inbox", HostSettings);
        using (var staff = await InboxMeasure.SignInAsync(inbox))
        {
            var views = await InboxMeasure.MeasureAsync(staff, lookups, options.Quick ? 20 : 100, options.Quick ? 200 : 1000);
            details["inbox"] = new { requestsStored = inboxRequests, views };
            foreach (var view in views)
            {
                Add(InboxMeasure.Row(view, inboxRequests));
            }
        }

        await inbox.StopAsync();
    }

    /// <summary>
    /// Waits until the pipeline has caught up: every stored request has its notifications recorded and the
    /// sealer has passed every event. Each phase starts from a quiet system, not from the last one's backlog.
    /// </summary>
    internal static async Task<TimeSpan> DrainAsync(DrillStage stage)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var behind = await stage.ScalarAsync($"""
                select (select count(*) from {"{schema}"}.mt_events where type = 'intake_request_submitted') * {ChannelsPerRequest}
                     - (select count(*) from {"{schema}"}.mt_events where type = 'staff_notified')
                     + (select coalesce(max(seq_id), 0) from {"{schema}"}.mt_events)
                     - (select coalesce(max(last_seq_id), 0) from {"{schema}"}.mt_event_progression where name like 'audit-sealer%')
                """);
            if (behind <= 0)
            {
                return clock.Elapsed;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The notification pipeline did not catch up within 10 minutes.");
    }

    /// <summary>Milliseconds from each accepted submission's due time to its staff e-mail's arrival at the sink.</summary>
    internal static async Task<List<double>> WaitForMailAsync(DrillStage stage, IReadOnlyList<AcceptedSubmission> accepted, TimeSpan patience)
    {
        var wanted = accepted.Select(a => a.Reference).ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + patience;
        Dictionary<string, DateTime> received;
        while ((received = stage.Smtp.ReceivedAt(wanted)).Count < wanted.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        return [.. accepted.Where(a => received.ContainsKey(a.Reference)).Select(a => (received[a.Reference] - a.IntendedAtUtc).TotalMilliseconds)];
    }

    private static async Task<(long Events, TimeSpan Elapsed)> WaitForSealerAsync(DrillStage stage, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        var sealedAtStart = await stage.ScalarAsync("select coalesce(max(last_seq_id), 0) from {schema}.mt_event_progression where name like 'audit-sealer%'");
        var target = await stage.ScalarAsync("select max(seq_id) from {schema}.mt_events");
        while (clock.Elapsed < patience)
        {
            if (await stage.ScalarAsync("select coalesce(max(last_seq_id), 0) from {schema}.mt_event_progression where name like 'audit-sealer%'") >= target)
            {
                return (target - sealedAtStart, clock.Elapsed);
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The sealer did not reach event #{target} within {patience.TotalMinutes:0} minutes.");
    }

    /// <summary>wrk's request generator: a valid routine request per call, each with its own Idempotency-Key and e-mail address.</summary>
    private static Task<string> IntakeScriptAsync() =>
        Wrk.PerRequestKeyScriptAsync(Path.Combine(Path.GetTempPath(), $"clinic-bench-intake-{Environment.ProcessId}.lua"), "", """
              local body = '{"firstName":"Bench","lastName":"Visitor","email":"bench.' .. n .. '@example.com","phone":"555-010-2222",'
                .. '"preferredContact":"phone","condition":"ptsd","bestTimeToCall":"evening","message":"Evenings are best.",'
                .. '"acceptTerms":true,"sendAcknowledgement":false}'
              return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. n }, body)
            """);

    private static async Task<BenchMachine> MachineAsync(string postgres)
    {
        static string Read(string path, string prefix) =>
            File.ReadLines(path).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memoryKiB = double.Parse(Read("/proc/meminfo", "MemTotal").Split(' ')[0], CultureInfo.InvariantCulture);
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var version = new NpgsqlCommand("show server_version", connection);
        var rabbit = (await Shell.RunAsync("rabbitmqctl", "-q", "version")).Trim();
        return new BenchMachine(
            Environment.ProcessorCount,
            Read("/proc/cpuinfo", "model name"),
            (memoryKiB / 1024 / 1024).ToString("0", CultureInfo.InvariantCulture),
            File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            "PostgreSQL " + (await version.ExecuteScalarAsync()),
            rabbit,
            Environment.Version.ToString());
    }

    [GeneratedRegex(@"Rebuilt (?<requests>\d+) request read model\(s\) from (?<events>\d+) event\(s\) in (?<seconds>[\d.]+) s \((?<rate>\d+) events/s\)")]
    private static partial Regex ReplayLine();

    [GeneratedRegex(@"Checked (?<events>\d+) event\(s\) in (?<seconds>[\d.]+) s")]
    private static partial Regex VerifyLine();
}
