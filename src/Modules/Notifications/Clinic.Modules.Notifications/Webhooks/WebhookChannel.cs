using System.Globalization;
using System.Net;
using System.Text.Json;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.NotifyStaff;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Notifications.Webhooks;

/// <summary>
/// Posts the alert as signed JSON to a named endpoint. The body has a "text" field, so a Slack or Teams
/// incoming-webhook relay can forward it as it is. Signed per Standard Webhooks (see WebhookSignature); the
/// webhook-id header is the stable delivery id, so a receiver drops repeats by it.
/// </summary>
internal sealed class WebhookChannel(IHttpClientFactory clients, IOptionsMonitor<NotificationsOptions> options, TimeProvider time) : INotificationChannel
{
    public const string HttpClientName = "clinic-webhooks";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => ChannelNames.Webhook;

    /// <summary>Receivers are told to drop a repeated webhook-id, but not all do: claim before sending.</summary>
    public DeliveryGuard Guard => DeliveryGuard.ClaimBeforeSend;

    public async Task DeliverAsync(StaffAlert alert, string recipient, string deliveryId, CancellationToken cancellationToken)
    {
        var endpoint = options.CurrentValue.Webhooks[recipient];
        var body = Body(alert, deliveryId);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();

        // The signature covers these exact bytes: nothing may re-serialise the body on the way out.
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookSignature.IdHeader, deliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.SigningSecrets, deliveryId, timestamp, body));

        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = $"Webhook '{recipient}' answered {status}.";
        // A 4xx other than timeout/throttling will not get better by retrying: the request itself is wrong.
        throw status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            ? new PermanentDeliveryFailure(message)
            : new HttpRequestException(message, null, response.StatusCode);
    }

    internal static byte[] Body(StaffAlert alert, string deliveryId)
    {
        var summary = alert.Escalation is { } escalation
            ? $"ESCALATION step {escalation.Step}: {escalation.Summary}: {(alert.IsUrgent ? "URGENT " : "")}call request {alert.Reference} (condition: {alert.ConditionSlug}). Open: {alert.Link}"
            : alert.IsUrgent
            ? $"URGENT call request {alert.Reference} (crisis language in the message{(alert.IsSuspectedSpam ? "; flagged as possible spam" : "")}; condition: {alert.ConditionSlug}). Open: {alert.Link}"
            : $"New call request {alert.Reference} (condition: {alert.ConditionSlug}). Open: {alert.Link}";
        // Slack and Teams read <...> in text as links and mentions: a visitor's words must stay words.
        var visitor = alert.VisitorLines().Select(line => line.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal));
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            text = string.Join("\n", [summary, .. visitor]),
            reference = alert.Reference,
            urgent = alert.IsUrgent,
            suspectedSpam = alert.IsSuspectedSpam,
            condition = alert.ConditionSlug,
            submittedAt = alert.SubmittedAt,
            link = alert.Link,
            visitor = alert.Visitor,
            escalation = alert.Escalation is { } step ? new { deadline = step.Deadline, step = step.Step, dueAt = step.DueAt } : null,
            deliveryId,
        }, Json);
    }
}
