using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// A signed-webhook receiver, as a Slack/Teams relay would run it: it checks the Standard Webhooks
/// signature and records every delivery it accepted. It never deduplicates, so the drill sees every repeat.
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The Standard Webhooks form of the signing key, as the host is configured with it.</summary>
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Key);

    private readonly ConcurrentQueue<Receipt> _received = new();
    private WebApplication? _app;
    private int _badSignatures;

    public int Port { get; } = Shell.FreePort();

    public Uri Url => new($"http://127.0.0.1:{Port}/hooks/relay");

    public int BadSignatures => _badSignatures;

    public IReadOnlyList<Receipt> Received => [.. _received];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/relay", HandleAsync);
        await _app.StartAsync();
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (!Verified(request.Headers, body))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Unauthorized();
        }

        var reference = JsonDocument.Parse(body).RootElement.GetProperty("reference").GetString() ?? "";
        _received.Enqueue(new Receipt(reference, "relay", request.Headers["webhook-id"].ToString()));
        return Results.Ok();
    }

    /// <summary>
    /// Standard Webhooks, checked by hand (a third implementation beside the host's and the test suite's
    /// library): "v1," + base64(HMAC-SHA256(key, id.timestamp.body)), any of the space-separated signatures.
    /// </summary>
    private static bool Verified(IHeaderDictionary headers, byte[] body)
    {
        var id = headers["webhook-id"].ToString();
        var timestamp = headers["webhook-timestamp"].ToString();
        if (id.Length == 0 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(Key, signed)));
        return headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(signature => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
