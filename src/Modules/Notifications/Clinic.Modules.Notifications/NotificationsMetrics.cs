using System.Diagnostics.Metrics;
using Clinic.Modules.Notifications.NotifyStaff;

namespace Clinic.Modules.Notifications;

/// <summary>
/// Notifications' own instruments, on the meter named like its activity source. Tags are the channel
/// name and the urgency flag only: never a reference, an id, a recipient or a condition.
/// </summary>
internal sealed class NotificationsMetrics
{
    public const string MeterName = NotificationsTelemetry.SourceName;

    /// <summary>From a live feed's few milliseconds to an e-mail that waited out an SMTP outage.</summary>
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Histogram<double> _latency;
    private readonly Counter<long> _failedAttempts;
    private readonly Counter<long> _failures;

    public NotificationsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _latency = meter.CreateHistogram(
            "clinic.notifications.delivery.latency",
            unit: "s",
            description: "From the request's submission to its staff alert's delivery, per channel; repeats of a delivery already made are not counted.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _failedAttempts = meter.CreateCounter<long>(
            "clinic.notifications.delivery.failed_attempts",
            unit: "{attempt}",
            description: "Staff alert send attempts that failed, per channel; most are retried.");
        _failures = meter.CreateCounter<long>(
            "clinic.notifications.delivery.failures",
            unit: "{delivery}",
            description: "Staff alerts given up on (retries exhausted or refused for good), per channel; each waits in its channel's _error queue.");

        // A counter's series exists only once something is added: start each channel's at zero, so a scrape shows
        // them before the first failure and an alert on their increase has a baseline to compare against.
        foreach (var channel in ChannelNames.All)
        {
            _failedAttempts.Add(0, new KeyValuePair<string, object?>("channel", channel));
            _failures.Add(0, new KeyValuePair<string, object?>("channel", channel));
        }
    }

    public void Delivered(string channel, bool urgent, TimeSpan latency) =>
        _latency.Record(
            Math.Max(0, latency.TotalSeconds),
            new KeyValuePair<string, object?>("channel", Known(channel)),
            new KeyValuePair<string, object?>("urgent", urgent));

    public void AttemptFailed(string channel) => _failedAttempts.Add(1, new KeyValuePair<string, object?>("channel", Known(channel)));

    public void GaveUp(string channel) => _failures.Add(1, new KeyValuePair<string, object?>("channel", Known(channel)));

    /// <summary>A message names its channel; only the known names become tag values, so a stray message cannot add series.</summary>
    private static string Known(string channel) => ChannelNames.All.Contains(channel) ? channel : "other";
}

/// <summary>Has <see cref="NotificationsMetrics"/> made when the host starts: being constructed is all it needs.</summary>
internal sealed class NotificationsMetricsActivation(NotificationsMetrics metrics) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = metrics;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
