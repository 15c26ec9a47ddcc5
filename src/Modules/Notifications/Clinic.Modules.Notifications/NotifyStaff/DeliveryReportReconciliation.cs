using System.Globalization;
using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Marten;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// At every start, reports again the staff alerts the delivery log completed in its last <see cref="Window"/>.
/// After a point-in-time restore the log can say "sent" for an alert whose report (<see cref="StaffNotified"/>) was
/// recorded on the request's history only after the recovery point: nothing would ever send or report it again, and
/// the history would not show an alert staff did get. A restore is always followed by a host start, so the start
/// closes that gap; Intake records each report once per channel, recipient and escalation step, so reports it has
/// already recorded change nothing. The window is counted back from the log's own latest delivery, not from now,
/// so a restore to a moment long past still covers the deliveries made just before it; it only has to be longer
/// than a report can wait in the queue behind the delivery that made it.
/// </summary>
internal sealed partial class DeliveryReportReconciliation(
    INotificationsStore store, IBus bus, IHostApplicationLifetime lifetime, ILogger<DeliveryReportReconciliation> logger) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Publishing needs the bus, which starts with the other hosted services.
        if (!await StartedAsync(stoppingToken))
        {
            return;
        }

        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                LogReconciled(logger, await ReportAgainAsync(stoppingToken));
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt * 2)), stoppingToken);
            }
        }
    }

    /// <summary>Publishes the report of every staff alert delivered in the window; returns how many.</summary>
    public async Task<int> ReportAgainAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var latest = await LatestDelivery(session).FirstOrDefaultAsync(cancellationToken);
        if (latest?.DeliveredAt is not { } last)
        {
            return 0;
        }

        var since = last - Window;
        var reported = 0;
        // Keyset pages in the order of the (delivered_at, id) index: each page starts where the last one ended, so the
        // window is read once, from the index, whatever the ids (they begin with a random request id).
        for (var (afterAt, afterId) = (since, ""); ;)
        {
            var page = await session.QueryAsync<DeliveryRecord>(PageQuery, cancellationToken, since, afterAt, afterId, Batch);
            if (page.Count == 0)
            {
                return reported;
            }

            var reports = page.Select(Report).OfType<StaffNotified>().ToList();
            if (reports.Count > 0)
            {
                await bus.PublishBatch(reports, cancellationToken);
            }

            reported += reports.Count;
            (afterAt, afterId) = (page[^1].DeliveredAt!.Value, page[^1].Id);
        }
    }

    /// <summary>
    /// One page of the window's deliveries after a (delivered at, id) pair; its parameters: the window's start, the pair,
    /// the page size. The window's own bound lets the planner use the partial index (delivered_at is not null).
    /// </summary>
    internal const string PageQuery =
        "where delivered_at >= ? and (delivered_at, id) > (?, ?) order by delivered_at, id limit ?";

    /// <summary>The log's latest delivery, read from the end of the delivered-at index (the module's schema declares it).</summary>
    internal static IQueryable<DeliveryRecord> LatestDelivery(IQuerySession session) =>
        session.Query<DeliveryRecord>()
            .Where(r => r.DeliveredAt != null)
            .OrderByDescending(r => r.DeliveredAt)
            .Take(1);

    /// <summary>
    /// The report a staff alert's delivery made, rebuilt from its log row (its id is <see cref="DeliverStaffAlert.DeliveryId"/>:
    /// request, optional escalation step, channel, recipient hash); null for rows that are not staff alerts.
    /// </summary>
    internal static StaffNotified? Report(DeliveryRecord record)
    {
        var parts = record.Id.Split('.');
        if (record.DeliveredAt is not { } deliveredAt || parts.Length is not (3 or 4) || parts[^2] != record.Channel
            || !Guid.TryParseExact(parts[0], "N", out var requestId) || requestId != record.RequestId)
        {
            return null;
        }

        EscalationStep? escalation = null;
        if (parts.Length == 4)
        {
            var dash = parts[1].LastIndexOf('-');
            if (dash <= 0 || !int.TryParse(parts[1][(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                return null;
            }

            escalation = new EscalationStep(parts[1][..dash], step);
        }

        // The log keeps no reference; Intake records a report by request id, channel and recipient.
        return new StaffNotified(record.RequestId, "", record.Channel, record.Recipient, deliveredAt, escalation);
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "Delivery reports reconciled: {Count} staff alert report(s) published again")]
    private static partial void LogReconciled(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Reconciling delivery reports failed ({ErrorType}); trying again")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
