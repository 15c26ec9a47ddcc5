namespace Clinic.Modules.Notifications.Feed;

/// <summary>
/// Internal to Notifications: one new-request alert for the live staff inbox. Published to every host
/// (each has its own temporary queue), which pushes it to the staff browsers connected there.
/// </summary>
/// <param name="EscalationStep">Set (with the missed deadline) when the item is an escalation rather than a new request.</param>
public sealed record StaffFeedItem(
    string Id, Guid RequestId, string Reference, bool Urgent, bool SuspectedSpam, string Condition, DateTimeOffset SubmittedAt, Uri Link,
    string? EscalationDeadline = null, int? EscalationStep = null);
