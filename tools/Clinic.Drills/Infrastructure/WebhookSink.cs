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
/// A signed-webhook receiver, as a Slack/Teams relay would run it: it checks the HMAC signature and
/// records every delivery it accepted. It never deduplicates, so the drill sees every repeat.
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    public const string Secret = "drill-webhook-secret-0123456789-abcdefghijkl";
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
        var timestamp = request.Headers["X-Clinic-Timestamp"].ToString();
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers["X-Clinic-Signature"].ToString())))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Unauthorized();
        }

        var reference = JsonDocument.Parse(body).RootElement.GetProperty("reference").GetString() ?? "";
        _received.Enqueue(new Receipt(reference, "relay", request.Headers["X-Clinic-Delivery-Id"].ToString()));
        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
