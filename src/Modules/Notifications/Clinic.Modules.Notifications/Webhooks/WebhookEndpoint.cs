namespace Clinic.Modules.Notifications.Webhooks;

/// <summary>A signed webhook receiver (a Slack or Teams relay, an on-call system). Each has its own secret.</summary>
internal sealed class WebhookEndpoint
{
    public Uri? Url { get; set; }

    /// <summary>Shared secret for the HMAC-SHA256 signature; at least 32 characters.</summary>
    public string Secret { get; set; } = "";
}
