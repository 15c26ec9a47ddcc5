using Marten;
using Marten.Schema;

namespace Clinic.Modules.Intake.ConditionOptions;

/// <summary>
/// Intake's own copy of Content's condition catalogue: the choices of the form's condition dropdown.
/// Public only for Marten's generated storage code.
/// </summary>
public sealed class ConditionChoices
{
    public const string OtherSlug = "other";
    public const string OtherName = "Other / not sure";
    public const string CurrentId = "current";

    public string Id { get; set; } = CurrentId;

    public List<Choice> Conditions { get; set; } = [];

    /// <summary>Content's version of the catalogue this copy holds; only a higher one replaces it.</summary>
    public int CatalogVersion { get; set; }

    /// <summary>Marten's concurrency token: a save fails if someone else saved the document since it was loaded.</summary>
    [Version]
    public Guid Revision { get; set; }

    /// <summary>The catalogue's conditions, then "Other / not sure", which is always offered.</summary>
    public IEnumerable<Choice> WithOther() => Conditions.Append(new Choice(OtherSlug, OtherName));

    public bool Offers(string slug) => slug == OtherSlug || Conditions.Exists(c => c.Slug == slug);

    public sealed record Choice(string Slug, string Name);

    public static async Task<ConditionChoices> LoadAsync(IIntakeStore store, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await LoadAsync(session, cancellationToken);
    }

    public static async Task<ConditionChoices> LoadAsync(IQuerySession session, CancellationToken cancellationToken) =>
        await session.LoadAsync<ConditionChoices>(CurrentId, cancellationToken) ?? new ConditionChoices();
}
