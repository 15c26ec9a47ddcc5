namespace Clinic.Modules.Notifications.NotifyStaff;

/// <summary>
/// Internal to Notifications: deliver one alert through one channel to one recipient. One message per
/// route, so each is retried and recorded on its own.
/// </summary>
public sealed record DeliverStaffAlert(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    bool IsUrgent,
    bool IsSuspectedSpam,
    DateTimeOffset SubmittedAt,
    string Channel,
    string Recipient,
    Clinic.Modules.Intake.Contracts.VisitorDetails? Visitor = null)
{
    /// <summary>The business key of this delivery: the same request, channel and recipient is one notification.</summary>
    public string DeliveryId => $"{RequestId:N}.{Channel}.{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Recipient.ToUpperInvariant())))[..16]}";
}
