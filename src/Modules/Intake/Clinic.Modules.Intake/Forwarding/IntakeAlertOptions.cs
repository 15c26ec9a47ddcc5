namespace Clinic.Modules.Intake.Forwarding;

/// <summary>Intake:Alerts — what staff alerts may carry.</summary>
internal sealed class IntakeAlertOptions
{
    public const string Section = "Intake:Alerts";

    /// <summary>
    /// Off by default: alerts say only that a request arrived, and staff open it in the access-controlled
    /// staff area. A clinic whose alert channels are private to its staff may switch this on to put the
    /// visitor's name, contact details and message in the alert itself.
    /// </summary>
    public bool IncludeVisitorDetails { get; set; }
}
