namespace Clinic.Modules.Content;

/// <summary>
/// The host's access policies that Content's pages and endpoints name. The host defines who each admits (a module
/// cannot reference the host); an architecture test checks that every name here is one the host defines.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>Writing drafts and submitting them for review.</summary>
    public const string EditorPolicy = "editor";

    /// <summary>Approving others' changes and publishing them.</summary>
    public const string ClinicalReviewerPolicy = "clinical-reviewer";

    /// <summary>The content list, previews and histories.</summary>
    public const string EditorOrReviewerPolicy = "editor-or-reviewer";
}
