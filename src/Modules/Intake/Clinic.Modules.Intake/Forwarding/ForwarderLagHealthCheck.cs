using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clinic.Modules.Intake.Forwarding;

/// <summary>
/// How far the forwarder (the outbox) is behind the event store. A growing gap means staff are not
/// being told about requests that visitors were told we received.
/// </summary>
internal sealed class ForwarderLagHealthCheck(IDocumentStore store) : IHealthCheck
{
    public const long DegradedAfter = 100;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: cancellationToken);
        var highWater = progress.FirstOrDefault(p => p.ShardName == "HighWaterMark")?.Sequence ?? 0;
        var forwarded = progress.FirstOrDefault(p => p.ShardName.StartsWith(IntakeEventForwarder.SubscriptionName, StringComparison.Ordinal))?.Sequence ?? 0;
        var lag = Math.Max(0, highWater - forwarded);
        var data = new Dictionary<string, object> { ["highWaterMark"] = highWater, ["forwarded"] = forwarded, ["lag"] = lag };
        return lag > DegradedAfter
            ? HealthCheckResult.Degraded($"The forwarder is {lag} events behind.", data: data)
            : HealthCheckResult.Healthy($"The forwarder is {lag} events behind.", data);
    }
}
