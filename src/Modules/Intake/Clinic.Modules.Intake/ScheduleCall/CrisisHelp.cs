namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// The crisis lines an API client is given when a request it sent carries crisis language but could not be
/// accepted: the person may be waiting on that client's screen. Kept to the lines every client must show;
/// the full, reviewed list is GET /api/content/crisis-resources (Content's crisis.json).
/// </summary>
internal static class CrisisHelp
{
    /// <summary>The problem-details extension member that carries the crisis lines.</summary>
    public const string ProblemExtension = "crisis";

    public sealed record Line(string Name, string Contact, string Href);

    public sealed record Help(string Message, IReadOnlyList<Line> Resources, string MoreAt);

    public static Help ForProblem() => new(
        "What was written suggests the person may be in crisis. This service is not an emergency service, and the request has not been sent: "
        + "show these lines to the person now, before asking them to fix anything.",
        [
            new("Emergency services", "Call 911 if you are in immediate danger.", "tel:911"),
            new("988 Suicide & Crisis Lifeline", "Call or text 988.", "tel:988"),
            new("Crisis Text Line", "Text HOME to 741741.", "sms:741741"),
        ],
        "/api/content/crisis-resources");
}
