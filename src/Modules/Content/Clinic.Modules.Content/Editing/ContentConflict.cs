namespace Clinic.Modules.Content.Editing;

/// <summary>
/// A workflow action that met someone else's change: the version the person saw, and the item as it stands now
/// (who changed it last, at which version), so the page can show their version and what changed in between.
/// </summary>
internal sealed record ContentConflict(string Key, long SeenVersion, ContentItemView Now, string Message)
{
    public string DiffLink => $"/staff/content/diff/{Key}?from={SeenVersion}&to={Now.Version}";
}

internal static class ContentItemLookup
{
    /// <summary>One item's view as it stands now; null when there is no such item.</summary>
    public static async Task<ContentItemView?> FindItemAsync(this IContentStore store, string key, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ContentItemView>(key, cancellationToken);
    }
}
