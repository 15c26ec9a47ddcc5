namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// What staff are told about a new request. By design it holds no names, contact details or message
/// text: only what staff need to open the request in the access-controlled staff area.
/// </summary>
internal sealed record StaffAlert(Guid RequestId, string Reference, string ConditionSlug, bool IsUrgent, DateTimeOffset SubmittedAt, Uri Link);

internal sealed record Delivery(string Channel, string Recipient);

/// <summary>A way of telling staff about a request. Each implementation in this module is picked up by scanning.</summary>
internal interface INotificationChannel
{
    string Name { get; }

    /// <summary>Delivers the alert; returns one entry per recipient reached. Throws when delivery failed.</summary>
    Task<IReadOnlyList<Delivery>> DeliverAsync(StaffAlert alert, CancellationToken cancellationToken);
}
