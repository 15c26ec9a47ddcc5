namespace Clinic.Modules.Content.Contracts;

/// <summary>
/// The list of conditions the clinic writes about, as of content version <paramref name="Version"/>. Published by
/// Content at startup; other modules keep their own copy (Intake uses it for the form's condition dropdown) and
/// keep the highest version they have seen, so a host of an older release that restarts during a rollout and
/// publishes its older list changes nothing. The same version published again carries the same list.
/// </summary>
/// <param name="Version">Content's own version of the catalogue: raised whenever the list changes, never reused.</param>
public sealed record ConditionCatalogPublished(int Version, IReadOnlyList<CatalogCondition> Conditions);

public sealed record CatalogCondition(string Slug, string Name);
