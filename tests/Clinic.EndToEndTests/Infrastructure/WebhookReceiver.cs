using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Clinic.EndToEndTests.Infrastructure;

/// <param name="DeliveryId">The webhook-id header, by which a receiver drops repeats.</param>
/// <param name="BodyDeliveryId">The body's deliveryId field.</param>
internal sealed record ReceivedWebhook(string DeliveryId, string BodyDeliveryId, string Reference, bool Urgent, string Condition, string Text, int? EscalationStep = null);

/// <summary>
/// A real HTTP receiver on loopback, as a Slack/Teams relay would be: it verifies each delivery with an
/// off-the-shelf Standard Webhooks verifier (signature and five-minute window), records what arrived,
/// and can be told to fail for a condition (to test retries).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>A Standard Webhooks secret, new for every run.</summary>
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Requests about this condition fail once with 503, then succeed.</summary>
    public const string FlakyCondition = "fibromyalgia";

    /// <summary>Requests about this condition are refused with 400, every time.</summary>
    public const string RefusedCondition = "crps";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int BadSignatures;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver._app.MapPost("/hooks/relay", receiver.HandleAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks/relay");
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        try
        {
            // The StandardWebhooks package, not the host's code: what a clinic's relay would run.
            new StandardWebhook(Secret).Verify(Encoding.UTF8.GetString(body), request.Headers);
        }
        catch (WebhookVerificationException)
        {
            Interlocked.Increment(ref BadSignatures);
            return Results.Unauthorized();
        }

        var json = JsonDocument.Parse(body).RootElement;
        var delivery = new ReceivedWebhook(
            request.Headers["webhook-id"].ToString(),
            json.GetProperty("deliveryId").GetString()!,
            json.GetProperty("reference").GetString()!,
            json.GetProperty("urgent").GetBoolean(),
            json.GetProperty("condition").GetString()!,
            json.GetProperty("text").GetString()!,
            json.TryGetProperty("escalation", out var escalation) && escalation.ValueKind == JsonValueKind.Object ? escalation.GetProperty("step").GetInt32() : null);
        var attempt = _attempts.AddOrUpdate(delivery.DeliveryId, 1, (_, n) => n + 1);
        if (delivery.Condition == RefusedCondition)
        {
            return Results.BadRequest();
        }

        if (delivery.Condition == FlakyCondition && attempt == 1)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        _received.Enqueue(delivery);
        return Results.NoContent();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
