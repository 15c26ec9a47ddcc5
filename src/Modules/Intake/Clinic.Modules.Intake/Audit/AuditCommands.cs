using System.Globalization;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Intake.Audit;

/// <summary>
/// The auditor's command line, run from the host binary:
///   audit verify [--require-sealed]               check every event against its seal; exit 1 at the first broken link
///                                                  (and, with --require-sealed, when any event is not sealed yet)
///   audit replay                                   rebuild every request's read model from its events
///   audit export --from T --to T [--format ndjson|csv] [--out FILE]   events recorded in [from, to)
/// Long runs show progress on standard error.
/// </summary>
public static class AuditCommands
{
    /// <summary>
    /// Part of <c>migrate</c>: a history written before the read models existed (or by a version with other
    /// read models) gets them rebuilt from its events, so an upgraded site's inbox and pages show every request.
    /// </summary>
    public static async Task FillReadModelsAsync(IServiceProvider services, TextWriter output)
    {
        var store = services.GetRequiredService<IIntakeStore>();
        await using (var query = store.QuerySession())
        {
            var arrived = await query.Events.QueryAllRawEvents()
                .Where(e => e.EventTypesAre(typeof(Domain.RequestSubmitted), typeof(Domain.SuspectedSpamReceived)))
                .CountAsync();
            // A read model added by an upgrade starts empty beside full ones: each must hold every request.
            // Inbox entries written before the deadline columns existed have none, and would never show as open.
            var inbox = $"{store.Options.DatabaseSchemaName}.mt_doc_{nameof(ReadModels.InboxEntry).ToLowerInvariant()}";
            var inboxPredatesDeadlines = (await query.AdvancedSql.QueryAsync<bool>(
                $"select exists (select 1 from {inbox} where is_open is null)", CancellationToken.None)).Single();
            if (await query.Query<ReadModels.RequestReceipt>().CountAsync() >= arrived
                && await query.Query<ReadModels.ResponseRecord>().CountAsync() >= arrived
                && !inboxPredatesDeadlines)
            {
                return;
            }
        }

        var rebuilt = await AuditReplay.RebuildAsync(store, null, CancellationToken.None);
        await output.WriteLineAsync($"Built the read models of {rebuilt.Requests} request(s) from their events.");
    }

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var store = services.GetRequiredService<IIntakeStore>();
        string? Option(string name) => args.ToList().IndexOf(name) is var i and >= 0 && i + 1 < args.Count ? args[i + 1] : null;
        var progress = new Progress<(long Done, long Total)>(p => error.Write(Bar(p.Done, p.Total)));
        switch (args.FirstOrDefault())
        {
            case "verify":
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var report = await AuditVerifier.VerifyAsync(store, progress, CancellationToken.None);
                await error.WriteLineAsync();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Checked {report.Events} event(s) in {clock.Elapsed.TotalSeconds:0.0} s: {report.Sealed} sealed, {report.Pending} not sealed yet."));
                if (!report.Intact)
                {
                    await output.WriteLineAsync($"BROKEN: {report.FirstBrokenLink}");
                    return 1;
                }

                await output.WriteLineAsync($"Intact. Chain head (keep a copy elsewhere as an anchor): {report.ChainHead ?? "none yet"}");
                return report.Pending > 0 && args.Contains("--require-sealed") ? 1 : 0;
            case "replay":
                var rebuilt = await AuditReplay.RebuildAsync(store, progress, CancellationToken.None);
                await error.WriteLineAsync();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Rebuilt {rebuilt.Requests} request read model(s) from {rebuilt.Events} event(s) in {rebuilt.Elapsed.TotalSeconds:0.0} s ({rebuilt.EventsPerSecond:0} events/s)."));
                return 0;
            case "export":
                var format = Option("--format") ?? "ndjson";
                if (!DateTimeOffset.TryParse(Option("--from"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from)
                    || !DateTimeOffset.TryParse(Option("--to"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to)
                    || from >= to || !AuditExport.Formats.Contains(format))
                {
                    await error.WriteLineAsync("usage: audit export --from 2026-11-01 --to 2026-12-01 [--format ndjson|csv] [--out FILE] (from before to)");
                    return 2;
                }

                await using (var session = store.QuerySession())
                {
                    // The first page is read before the file is created: a failed query leaves no empty export behind.
                    var export = await AuditExport.StartAsync(session, from, to, services.GetRequiredService<Privacy.PersonalDataVault>().Disclosure(), CancellationToken.None);
                    var path = Option("--out");
                    await using var file = path is null ? null : new StreamWriter(path);
                    var count = await export.WriteAsync(format, file ?? output, CancellationToken.None);
                    await error.WriteLineAsync($"Exported {count} event(s).");
                }

                return 0;
            default:
                await error.WriteLineAsync("usage: audit verify | audit replay | audit export --from T --to T [--format ndjson|csv] [--out FILE]");
                return 2;
        }
    }

    private static string Bar(long done, long total)
    {
        var share = total == 0 ? 1 : (double)done / total;
        var filled = (int)Math.Round(share * 30);
        return string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {share:P0} {done}/{total}");
    }
}
