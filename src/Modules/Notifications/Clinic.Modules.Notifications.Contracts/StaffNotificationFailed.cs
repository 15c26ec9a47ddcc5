namespace Clinic.Modules.Notifications.Contracts;

/// <summary>
/// Telling staff through one channel failed. Sent on the first failure (while retries continue) and
/// again when retries are exhausted (<paramref name="Final"/>). The reason names the fault, never personal data.
/// </summary>
public sealed record StaffNotificationFailed(
    Guid RequestId,
    string Reference,
    string Channel,
    string Recipient,
    string Reason,
    bool Final,
    DateTimeOffset FailedAt);
