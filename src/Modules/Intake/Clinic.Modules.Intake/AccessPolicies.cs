namespace Clinic.Modules.Intake;

/// <summary>
/// The host's access policies that Intake's pages and endpoints name. The host defines who each admits (a module
/// cannot reference the host); an architecture test checks that every name here is one the host defines.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>The inbox, request pages and triage actions.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>Request histories, exports and the access log.</summary>
    public const string AuditorPolicy = "auditor";

    /// <summary>Editing the on-call schedule.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Rebuilding the read models.</summary>
    public const string AuditorOrAdminPolicy = "auditor-or-admin";
}
