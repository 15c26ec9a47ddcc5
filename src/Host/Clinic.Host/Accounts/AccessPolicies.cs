using Microsoft.AspNetCore.Authorization;

namespace Clinic.Host.Accounts;

/// <summary>
/// Who may use what, defined once. Pages and endpoints name a policy, never a role; modules use the same
/// names (they cannot reference the host), and an architecture test checks that every name they use is
/// defined here.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>The staff area: the inbox, request pages, triage actions and the live feed.</summary>
    public const string Staff = "staff";

    /// <summary>The audit area: request histories, exports and the access log.</summary>
    public const string Auditor = "auditor";

    /// <summary>Operations: health, error queues, the forwarder's lag.</summary>
    public const string Admin = "admin";

    /// <summary>Rebuilding the read models from the events.</summary>
    public const string AuditorOrAdmin = "auditor-or-admin";

    /// <summary>Admin actions that need a recent second factor (step-up): role changes, later erasure.</summary>
    public const string AdminSensitive = "admin-sensitive";

    /// <summary>Audit actions that need a recent second factor (step-up): exports and replay.</summary>
    public const string AuditorSensitive = "auditor-sensitive";

    /// <summary>Rebuilding the read models, with a recent second factor (step-up): the replay page.</summary>
    public const string AuditorOrAdminSensitive = "auditor-or-admin-sensitive";

    /// <summary>Content: writing drafts and submitting them for review.</summary>
    public const string Editor = "editor";

    /// <summary>Content: approving others' changes (four eyes) and publishing them.</summary>
    public const string ClinicalReviewer = "clinical-reviewer";

    /// <summary>Content: the list of items, previews and histories.</summary>
    public const string EditorOrReviewer = "editor-or-reviewer";

    /// <summary>Any signed-in account, even one that must still set up its second factor: its own account pages.</summary>
    public const string SignedIn = "signed-in";

    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Staff] = [StaffRoles.Staff, StaffRoles.Admin],
        [Auditor] = [StaffRoles.Auditor],
        [Admin] = [StaffRoles.Admin],
        [AuditorOrAdmin] = [StaffRoles.Auditor, StaffRoles.Admin],
        [AdminSensitive] = [StaffRoles.Admin],
        [AuditorSensitive] = [StaffRoles.Auditor],
        [AuditorOrAdminSensitive] = [StaffRoles.Auditor, StaffRoles.Admin],
        [Editor] = [StaffRoles.Editor],
        [ClinicalReviewer] = [StaffRoles.ClinicalReviewer],
        [EditorOrReviewer] = [StaffRoles.Editor, StaffRoles.ClinicalReviewer],
        [SignedIn] = StaffRoles.All,
    };

    public static AuthorizationBuilder AddAccessPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (name, roles) in RolesOf)
        {
            authorization.AddPolicy(name, policy =>
            {
                policy.RequireAuthenticatedUser().RequireRole(roles);
                if (name != SignedIn)
                {
                    // An account that must still enrol a second factor reaches nothing else until it has.
                    policy.RequireAssertion(context => !context.User.HasClaim(claim => claim.Type == StaffClaimsFactory.MustEnrolClaim));
                }

                if (name is AdminSensitive or AuditorSensitive or AuditorOrAdminSensitive)
                {
                    policy.AddRequirements(new RecentSecondFactorRequirement());
                }
            });
        }

        return authorization;
    }
}

/// <summary>The roles an account can hold.</summary>
internal static class StaffRoles
{
    public const string Staff = "Staff";
    public const string Auditor = "Auditor";
    public const string Admin = "Admin";
    public const string Editor = "Editor";
    public const string ClinicalReviewer = "ClinicalReviewer";
    public static readonly string[] All = [Staff, Auditor, Admin, Editor, ClinicalReviewer];
}
