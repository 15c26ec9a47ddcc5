namespace Clinic.Modules.Notifications.Contracts;

/// <summary>Staff were told about a request through one channel, to one recipient.</summary>
public sealed record StaffNotified(
    Guid RequestId,
    string Reference,
    string Channel,
    string Recipient,
    DateTimeOffset NotifiedAt);
