using Clinic.Modules.Content.Library;

namespace Clinic.Modules.Content.Crisis;

/// <summary>
/// Whether the crisis resources are still those shipped with the site: the banner then keeps its hand-written,
/// reviewed wording; once a clinical reviewer publishes a change, it is built from the published resources.
/// </summary>
internal static class CrisisBanner
{
    private static readonly IReadOnlyList<CrisisResource> Shipped = ContentLibrary.LoadEmbedded().CrisisResources;

    public static bool IsShipped(IReadOnlyList<CrisisResource> resources) =>
        resources.Count == Shipped.Count && resources.Zip(Shipped).All(p =>
            p.First.Id == p.Second.Id && p.First.Title == p.Second.Title && p.First.Text == p.Second.Text &&
            p.First.Actions.SequenceEqual(p.Second.Actions));
}
