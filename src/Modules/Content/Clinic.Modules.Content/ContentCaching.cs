namespace Clinic.Modules.Content;

/// <summary>
/// Content changes only with a deployment, so pages and API answers are served from the output cache.
/// The cache never stores answers for signed-in people or answers that set cookies.
/// </summary>
internal static class ContentCaching
{
    public const string PolicyName = "content";
    public static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);
}
