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

    /// <summary>Exports: the auditor, with a second factor given in the last few minutes (step-up).</summary>
    public const string AuditorSensitivePolicy = "auditor-sensitive";

    /// <summary>Erasure, finding a person's requests and their subject-access export: admins, with a recent second factor (step-up).</summary>
    public const string AdminSensitivePolicy = "admin-sensitive";

    /// <summary>Replaying the event store: auditors and admins, with a recent second factor (step-up).</summary>
    public const string AuditorOrAdminSensitivePolicy = "auditor-or-admin-sensitive";
}
