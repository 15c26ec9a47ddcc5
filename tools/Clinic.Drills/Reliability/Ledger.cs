using System.Globalization;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Reliability;

/// <summary>
/// Counts, by reference, what arrived at the SMTP sink and the webhook receiver against what clients
/// were told was accepted, and checks the store agrees.
/// </summary>
internal sealed class Ledger
{
    public int Accepted { get; private init; }
    public int Expected { get; private init; }
    public int Notified { get; private init; }
    public int Lost { get; private init; }
    public int Duplicates { get; private init; }
    public int ResentSameId { get; private init; }
    public int Errors { get; private init; }

    /// <summary>Acknowledged by a database later destroyed, after the last moment its backup could bring back: not owed.</summary>
    public int BeyondRecoveryPoint { get; private init; }
    public List<string> Observations { get; } = [];
    public List<string> Failures { get; } = [];

    /// <summary>Waits until every owed notification has arrived and been recorded (or the deadline passes), then a quiet spell for late repeats.</summary>
    /// <param name="recoveryPoint">
    /// After a restore, the last moment the restored database holds: a request acknowledged later and absent
    /// from the store is not owed; one acknowledged earlier must be there.
    /// </param>
    public static async Task<Ledger> SettleAsync(DrillStage stage, IntakeLoad load, IntakeLoad warmUp, TimeSpan deadline, DateTimeOffset? recoveryPoint = null)
    {
        var giveUpAt = DateTime.UtcNow + deadline;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        Ledger ledger;
        while (true)
        {
            ledger = await CountAsync(stage, load, warmUp, recoveryPoint);
            if ((ledger.Lost == 0 && ledger.Failures.Count == 0) || DateTime.UtcNow > giveUpAt)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var settled = waited.Elapsed;
        var complete = ledger.Lost == 0;
        // Repeats would come late (a retry, a takeover after a crash): keep listening a little longer.
        await Task.Delay(TimeSpan.FromSeconds(5));
        ledger = await CountAsync(stage, load, warmUp, recoveryPoint);
        var seconds = Math.Round(settled.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        ledger.Observations.Add(complete
            ? $"the last owed notification arrived {seconds} s after the load ended"
            : $"stopped waiting {seconds} s after the load ended");
        return ledger;
    }

    private static async Task<Ledger> CountAsync(DrillStage stage, IntakeLoad load, IntakeLoad warmUp, DateTimeOffset? recoveryPoint)
    {
        var submissions = load.Submissions.Concat(warmUp.Submissions).ToList();
        var stored = await stage.StoredReferencesAsync();
        var beyond = submissions
            .Where(s => s.Reference is not null && !stored.Contains(s.Reference) && s.AcknowledgedAt > recoveryPoint)
            .Select(s => s.Reference!).ToHashSet(StringComparer.Ordinal);
        var accepted = submissions.Where(s => s.Reference is not null).Select(s => s.Reference!).ToHashSet(StringComparer.Ordinal);
        accepted.ExceptWith(beyond);
        var unacknowledged = submissions.Count(s => s.Reference is null);
        var channels = new Dictionary<string, IReadOnlyList<Receipt>>
        {
            ["e-mail"] = [.. stage.Smtp.Read().Where(r => r.Recipient.Contains(DrillStage.StaffAddress, StringComparison.OrdinalIgnoreCase))],
            ["webhook"] = stage.Webhooks.Received,
        };

        int notified = 0, duplicates = 0, resent = 0, strangers = 0;
        foreach (var (_, receipts) in channels)
        {
            var byReference = receipts.GroupBy(r => r.Reference).ToDictionary(g => g.Key, g => g.ToList());
            notified += accepted.Count(byReference.ContainsKey);
            foreach (var (reference, copies) in byReference)
            {
                var distinct = copies.Select(c => c.DeliveryId).Distinct().Count();
                duplicates += distinct - 1;
                resent += copies.Count - distinct;
                strangers += accepted.Contains(reference) || beyond.Contains(reference) ? 0 : 1;
            }
        }

        var recorded = await stage.CountEventsAsync("staff_notified");
        var notStored = accepted.Count(r => !stored.Contains(r));
        var errors = load.Count(a => a.Length == 3 && a != "503" && a[0] is '4' or '5');
        var ledger = new Ledger
        {
            Accepted = accepted.Count,
            Expected = accepted.Count * channels.Count,
            Notified = notified,
            Lost = accepted.Count * channels.Count - notified,
            Duplicates = duplicates,
            ResentSameId = resent,
            Errors = errors,
            BeyondRecoveryPoint = beyond.Count,
        };

        var answers = string.Join(", ", load.Answers.OrderByDescending(a => a.Value).Select(a => $"{a.Key}: {a.Value}"));
        ledger.Observations.Add($"answers: {answers}");
        if (resent > 0)
        {
            ledger.Observations.Add($"{resent} notification(s) re-sent with the same delivery id after a crash between send and record");
        }

        Check(ledger, ledger.Lost == 0, $"{ledger.Lost} owed notification(s) never arrived");
        Check(ledger, duplicates == 0, $"{duplicates} duplicate notification(s)");
        Check(ledger, unacknowledged == 0, $"{unacknowledged} request(s) never acknowledged although clients kept retrying");
        Check(ledger, notStored == 0, $"{notStored} acknowledged request(s) are not in the store");
        Check(ledger, errors == 0, $"{errors} error answer(s) other than 503");
        Check(ledger, strangers == 0, $"{strangers} notification(s) about references no client was given");
        if (recoveryPoint is null)
        {
            Check(ledger, recorded == stored.Count * channels.Count, $"{recorded} StaffNotified event(s) recorded for {stored.Count} stored request(s) × {channels.Count} channels");
        }
        else
        {
            // After a restore, every owed request's alert is on its history exactly once per channel, including alerts
            // delivered before the loss whose report came after the recovery point (the host start reports them again).
            var onHistories = await stage.ArrivalAlertsOnHistoriesAsync();
            var sent = await stage.SentArrivalAlertsAsync();
            var channelNames = new[] { "email", "webhook" };
            var absent = stored.SelectMany(r => channelNames.Where(c => onHistories.GetValueOrDefault((r, c)) == 0).Select(c => (r, c))).ToList();
            // The window still open: an alert sent before the loss whose delivery-log row (not only its report) came after
            // the recovery point, its messages already consumed. The restored database has no trace of it, so nothing
            // sends or reports it again; it reached staff (the count above), but its history cannot show it.
            var untraced = absent.Count(a => !sent.Contains(a) && channels[a.c == "email" ? "e-mail" : "webhook"].Any(x => x.Reference == a.r));
            var missing = absent.Count - untraced;
            var doubled = stored.Sum(r => channelNames.Count(c => onHistories.GetValueOrDefault((r, c)) > 1));
            Check(ledger, missing == 0, $"{missing} alert(s) to restored requests are not on their request's history");
            Check(ledger, doubled == 0, $"{doubled} alert(s) are on their request's history more than once");
            if (untraced > 0)
            {
                ledger.Observations.Add($"{untraced} alert(s) sent before the loss are on no history and in no restored delivery log (the log's row, not only the report, came after the recovery point: docs/reliability.md)");
            }
        }

        Check(ledger, stage.Webhooks.BadSignatures == 0, $"{stage.Webhooks.BadSignatures} webhook(s) with a bad signature");
        return ledger;
    }

    private static void Check(Ledger ledger, bool holds, string failure)
    {
        if (!holds)
        {
            ledger.Failures.Add(failure);
        }
    }
}
