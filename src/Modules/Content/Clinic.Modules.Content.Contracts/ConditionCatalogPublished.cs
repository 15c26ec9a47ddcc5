namespace Clinic.Modules.Content.Contracts;

/// <summary>
/// The current list of conditions the clinic writes about. Published by Content at startup;
/// other modules keep their own copy (Intake uses it for the form's condition dropdown).
/// </summary>
public sealed record ConditionCatalogPublished(IReadOnlyList<CatalogCondition> Conditions, DateTimeOffset PublishedAt);

public sealed record CatalogCondition(string Slug, string Name);
