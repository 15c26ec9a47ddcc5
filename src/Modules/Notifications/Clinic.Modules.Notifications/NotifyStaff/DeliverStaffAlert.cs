namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Internal to Notifications: deliver one alert through one channel to one recipient. One message per
/// route, so each is retried and recorded on its own.
/// </summary>
/// <param name="Escalation">Set when this alert is a step of an escalation chain rather than the arrival alert.</param>
public sealed record DeliverStaffAlert(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    bool IsUrgent,
    bool IsSuspectedSpam,
    DateTimeOffset SubmittedAt,
    string Channel,
    string Recipient,
    Clinic.Modules.Intake.Contracts.VisitorDetails? Visitor = null,
    EscalationAlert? Escalation = null)
{
    /// <summary>
    /// The business key of this delivery: the same request, channel and recipient is one notification, and each
    /// escalation step is one more, so a person already told about the arrival is still told about the escalation.
    /// </summary>
    public string DeliveryId =>
        $"{RequestId:N}.{(Escalation is { } e ? $"{e.Deadline}-{e.Step}." : "")}{Channel}.{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Recipient.ToUpperInvariant())))[..16]}";
}

/// <summary>Internal to Notifications: which escalation an alert is (the missed deadline, how long it allowed, the chain's step).</summary>
public sealed record EscalationAlert(string Deadline, int Step, TimeSpan Within, DateTimeOffset DueAt)
{
    /// <summary>"Not acknowledged within 15 minutes", "No contact attempt within 1 hour".</summary>
    public string Summary => $"{(Deadline == "acknowledge" ? "Not acknowledged" : "No contact attempt")} within {Describe(Within)}";

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } when span.TotalDays % 1 == 0 => Plural((int)span.TotalDays, "day"),
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => Plural((int)span.TotalHours, "hour"),
        { TotalMinutes: >= 1 } when span.TotalMinutes % 1 == 0 => Plural((int)span.TotalMinutes, "minute"),
        _ => Plural((int)Math.Ceiling(span.TotalSeconds), "second"),
    };

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
