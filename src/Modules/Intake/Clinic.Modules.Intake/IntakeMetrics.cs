using System.Diagnostics.Metrics;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Daemon;
using Clinic.Modules.Intake.Forwarding;

namespace Clinic.Modules.Intake;

/// <summary>
/// Intake's own instruments, on the meter named like its activity source. Tags are yes/no flags and
/// subscription names only: never a reference, an id, a condition or anything a visitor typed.
/// </summary>
internal sealed class IntakeMetrics
{
    public const string MeterName = IntakeTelemetry.SourceName;

    private readonly Meter _meter;
    private readonly Counter<long> _submitted;

    public IntakeMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _submitted = _meter.CreateCounter<long>(
            "clinic.intake.requests.submitted",
            unit: "{request}",
            description: "New requests stored, by urgency and suspected spam; a repeat of one already stored is not counted.");
    }

    public void Submitted(bool urgent, bool spam) =>
        _submitted.Add(1, new KeyValuePair<string, object?>("urgent", urgent), new KeyValuePair<string, object?>("spam", spam));

    /// <summary>Gauges of the daemon's lag; <paramref name="latest"/> is null when there is no recent measurement.</summary>
    public void ObserveDaemonLag(Func<DaemonLagSample?> latest)
    {
        _meter.CreateObservableGauge(
            "clinic.intake.forwarder.lag",
            () => latest() is { } sample ? [new Measurement<double>(sample.OldestWaiting.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s",
            description: "How long the oldest event not yet forwarded to the other modules has waited; 0 when the forwarder is up to date.");
        _meter.CreateObservableGauge(
            "clinic.intake.daemon.backlog",
            () => latest() is { } sample
                ? [
                    new Measurement<long>(sample.ForwarderBacklog, new KeyValuePair<string, object?>("subscription", IntakeEventForwarder.SubscriptionName)),
                    new Measurement<long>(sample.SealerBacklog, new KeyValuePair<string, object?>("subscription", AuditSealer.SubscriptionName)),
                ]
                : Array.Empty<Measurement<long>>(),
            unit: "{event}",
            description: "Events committed after a daemon subscription's position (sequence gaps included, so an upper bound).");
    }
}
