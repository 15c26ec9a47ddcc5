using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Intake.Daemon;

/// <summary>
/// Measures the daemon's lag every few seconds, off the scrape path, and serves the last measurement to
/// Intake's gauges: a scrape or an OTLP export never waits on PostgreSQL. When measuring has failed for a
/// while (the database is down), the gauges report nothing rather than a number that stopped being true.
/// </summary>
internal sealed class DaemonLagSampler : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);

    private readonly DaemonLag _lag;
    private readonly TimeProvider _time;
    private readonly ILogger<DaemonLagSampler> _logger;
    private volatile Measured? _latest;

    public DaemonLagSampler(DaemonLag lag, IntakeMetrics metrics, TimeProvider time, ILogger<DaemonLagSampler> logger)
    {
        _lag = lag;
        _time = time;
        _logger = logger;
        metrics.ObserveDaemonLag(() => Latest);
    }

    /// <summary>The last measurement, or null when there is none from the last <see cref="FreshFor"/>.</summary>
    public DaemonLagSample? Latest =>
        _latest is { } latest && _time.GetUtcNow() - latest.At < FreshFor ? latest.Sample : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            deadline.CancelAfter(Deadline);
            try
            {
                _latest = new Measured(await _lag.MeasureAsync(deadline.Token), _time.GetUtcNow());
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The kind of fault only; readiness and /ops report the database itself.
                _logger.LogDebug("Measuring the daemon's lag failed ({Error}); its gauges go quiet until it succeeds.", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private sealed record Measured(DaemonLagSample Sample, DateTimeOffset At);
}
