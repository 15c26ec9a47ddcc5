using Marten;

namespace Clinic.Modules.Intake.Daemon;

/// <summary>Where a subscription of the async daemon has got to, from Marten's progress table.</summary>
internal static class SubscriptionProgress
{
    /// <summary>The last event sequence the subscription has processed (0 before its first).</summary>
    public static async Task<long> PositionOfAsync(IDocumentStore store, string subscription, CancellationToken cancellationToken) =>
        PositionOf(await store.Advanced.AllProjectionProgress(token: cancellationToken), subscription);

    public static long PositionOf(IEnumerable<JasperFx.Events.Projections.ShardState> progress, string subscription) =>
        progress.FirstOrDefault(p => p.ShardName.StartsWith(subscription, StringComparison.Ordinal))?.Sequence ?? 0;
}
