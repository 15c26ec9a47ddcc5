using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.Delivery;

namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// What staff are told about a new request. By default it holds no names, contact details or message
/// text: only what staff need to open the request in the access-controlled staff area.
/// </summary>
/// <param name="IsSuspectedSpam">Tripped the anti-spam check but used crisis language: alerted anyway, flagged.</param>
/// <param name="Visitor">The visitor's details, only when the clinic opted in (Intake:Alerts:IncludeVisitorDetails).</param>
/// <param name="Escalation">Set when the alert is an escalation step: a deadline passed and nobody acted.</param>
internal sealed record StaffAlert(
    Guid RequestId, string Reference, string ConditionSlug, bool IsUrgent, bool IsSuspectedSpam, DateTimeOffset SubmittedAt, Uri Link,
    VisitorDetails? Visitor = null, EscalationAlert? Escalation = null)
{
    /// <summary>The visitor's details as plain-text lines, or nothing when the alert carries none.</summary>
    public IReadOnlyList<string> VisitorLines() => Visitor is not { } v
        ? []
        : [
            $"Visitor: {v.Name}",
            $"Phone: {v.Phone}",
            $"E-mail: {v.Email}",
            $"Prefers: {v.PreferredContact}, best time: {v.BestTimeToCall}",
            .. string.IsNullOrWhiteSpace(v.Message) ? Array.Empty<string>() : [$"Message: {v.Message}"],
        ];
}

/// <summary>A way of telling staff about a request. Each implementation in this module is picked up by scanning.</summary>
internal interface INotificationChannel
{
    /// <summary>The name routes use ("email", "webhook", "feed").</summary>
    string Name { get; }

    /// <summary>How the delivery log keeps this channel's sends to one per delivery: whether its receiver drops a repeated delivery id itself.</summary>
    DeliveryGuard Guard { get; }

    /// <summary>
    /// Delivers the alert to one recipient of this channel (an address, an endpoint name). The delivery id
    /// is stable across retries, so a receiver can recognise a repeat. Throws when delivery failed.
    /// </summary>
    Task DeliverAsync(StaffAlert alert, string recipient, string deliveryId, CancellationToken cancellationToken);
}

/// <summary>A failure that retrying cannot fix (for example a webhook answering 400): fail at once.</summary>
internal sealed class PermanentDeliveryFailure(string message) : Exception(message);

/// <summary>The channel names routes may use.</summary>
internal static class ChannelNames
{
    public const string Email = "email";
    public const string Webhook = "webhook";
    public const string Feed = "feed";
    public static readonly string[] All = [Email, Webhook, Feed];
}
