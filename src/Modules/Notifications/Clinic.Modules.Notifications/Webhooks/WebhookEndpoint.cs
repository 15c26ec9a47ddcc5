namespace Clinic.Modules.Notifications.Webhooks;

/// <summary>A signed webhook receiver (a Slack or Teams relay, an on-call system). Each has its own secret.</summary>
internal sealed class WebhookEndpoint
{
    public Uri? Url { get; set; }

    /// <summary>The Standard Webhooks signing secret: "whsec_" + base64 of 24 to 64 random bytes.</summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// Secrets being rotated out. Every delivery is signed with these too, so a receiver that still holds an
    /// old secret keeps verifying until it has switched; then remove them.
    /// </summary>
    public List<string> PreviousSecrets { get; set; } = [];

    public IEnumerable<string> SigningSecrets => [Secret, .. PreviousSecrets];
}
