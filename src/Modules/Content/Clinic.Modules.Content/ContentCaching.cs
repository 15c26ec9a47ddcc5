namespace Clinic.Modules.Content;

/// <summary>
/// Pages and API answers are served from the output cache; a publication empties it on every host (ContentRefresh,
/// by <see cref="Tag"/>). The cache never stores answers for signed-in people or answers that set cookies. Reads that
/// carry nothing personal meet <see cref="PublishedPageCache"/> first, which keeps pages for the same
/// <see cref="Duration"/>.
/// </summary>
internal static class ContentCaching
{
    public const string PolicyName = "content";
    public const string Tag = "content";
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);
}
