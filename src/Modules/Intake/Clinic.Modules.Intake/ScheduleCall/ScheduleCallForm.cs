namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>What the visitor typed into the Schedule A Call form, before validation.</summary>
internal sealed class ScheduleCallForm
{
    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? PreferredContact { get; set; }

    public string? Condition { get; set; }

    public string? BestTimeToCall { get; set; }

    public string? Message { get; set; }

    public bool AcceptTerms { get; set; }

    /// <summary>The visitor would like an e-mail confirming we received the request (it carries no health details).</summary>
    public bool SendAcknowledgement { get; set; }

    public static readonly IReadOnlyList<(string Value, string Label)> ContactMethods =
    [
        ("phone", "Phone call"),
        ("text", "Text message"),
        ("email", "E-mail"),
    ];

    public static readonly IReadOnlyList<(string Value, string Label)> CallTimes =
    [
        ("morning", "Morning (9am–12pm)"),
        ("afternoon", "Afternoon (12pm–5pm)"),
        ("evening", "Evening (5pm–7pm)"),
        ("anytime", "Any time"),
    ];
}
