using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Forwarding;
using Marten;

namespace Clinic.Modules.Intake.Daemon;

/// <param name="Forwarded">The forwarder's position: the last event sequence it has passed on.</param>
/// <param name="OldestWaiting">How long the oldest event not yet forwarded has waited (zero when none waits).</param>
/// <param name="ForwarderBacklog">Events committed after the forwarder's position (sequence gaps count too: an upper bound).</param>
/// <param name="SealerBacklog">Events committed after the sealer's position, likewise.</param>
internal sealed record DaemonLagSample(long Forwarded, TimeSpan OldestWaiting, long ForwarderBacklog, long SealerBacklog);

/// <summary>
/// How far the async daemon's subscriptions trail the event store, read from Marten's progress table and
/// the events themselves. Age, not a count, is what matters most: one request unannounced for minutes is
/// a visitor staff do not know about, however quiet the site is.
/// </summary>
internal sealed class DaemonLag(IIntakeStore store, TimeProvider time)
{
    public async Task<DaemonLagSample> MeasureAsync(CancellationToken cancellationToken)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: cancellationToken);
        var forwarded = SubscriptionProgress.PositionOf(progress, IntakeEventForwarder.SubscriptionName);
        var sealedUpTo = SubscriptionProgress.PositionOf(progress, AuditSealer.SubscriptionName);

        await using var session = store.QuerySession();
        var waiting = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > forwarded)
            .OrderBy(e => e.Sequence)
            .Select(e => e.Timestamp)
            .Take(1)
            .ToListAsync(cancellationToken);
        var newest = await session.Events.QueryAllRawEvents()
            .OrderByDescending(e => e.Sequence)
            .Select(e => e.Sequence)
            .Take(1)
            .ToListAsync(cancellationToken);

        var age = waiting.Count == 0 ? TimeSpan.Zero : time.GetUtcNow() - waiting[0];
        var head = newest.Count == 0 ? 0 : newest[0];
        return new DaemonLagSample(
            forwarded,
            age < TimeSpan.Zero ? TimeSpan.Zero : age,
            Math.Max(0, head - forwarded),
            Math.Max(0, head - sealedUpTo));
    }
}
