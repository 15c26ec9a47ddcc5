using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clinic.Modules.Intake.Forwarding;

/// <summary>
/// How long the oldest event the forwarder (the outbox) has not yet passed on has been waiting. Age, not
/// a count, is what matters: one request unannounced for minutes is a visitor staff do not know about,
/// however quiet the site is.
/// </summary>
internal sealed class ForwarderLagHealthCheck(IDocumentStore store, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan DegradedAfter = TimeSpan.FromSeconds(60);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: cancellationToken);
        var forwarded = progress.FirstOrDefault(p => p.ShardName.StartsWith(IntakeEventForwarder.SubscriptionName, StringComparison.Ordinal))?.Sequence ?? 0;
        await using var session = store.QuerySession();
        var waiting = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > forwarded)
            .OrderBy(e => e.Sequence)
            .Select(e => e.Timestamp)
            .Take(1)
            .ToListAsync(cancellationToken);
        var age = waiting.Count == 0 ? TimeSpan.Zero : time.GetUtcNow() - waiting[0];
        var seconds = Math.Max(0, Math.Round(age.TotalSeconds));
        var data = new Dictionary<string, object> { ["forwarded"] = forwarded, ["oldestWaitingSeconds"] = seconds };
        var description = waiting.Count == 0 ? "The forwarder is up to date." : $"The oldest event not yet forwarded has waited {seconds} s.";
        return age > DegradedAfter
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data);
    }
}
