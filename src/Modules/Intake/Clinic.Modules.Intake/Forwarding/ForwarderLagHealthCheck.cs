using Clinic.Modules.Intake.Daemon;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clinic.Modules.Intake.Forwarding;

/// <summary>Degraded when the oldest event the forwarder (the outbox) has not yet passed on has waited over a minute.</summary>
internal sealed class ForwarderLagHealthCheck(DaemonLag lag) : IHealthCheck
{
    public static readonly TimeSpan DegradedAfter = TimeSpan.FromSeconds(60);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sample = await lag.MeasureAsync(cancellationToken);
        var seconds = Math.Round(sample.OldestWaiting.TotalSeconds);
        var data = new Dictionary<string, object> { ["forwarded"] = sample.Forwarded, ["oldestWaitingSeconds"] = seconds };
        var description = sample.OldestWaiting == TimeSpan.Zero
            ? "The forwarder is up to date."
            : $"The oldest event not yet forwarded has waited {seconds} s.";
        return sample.OldestWaiting > DegradedAfter
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data);
    }
}
