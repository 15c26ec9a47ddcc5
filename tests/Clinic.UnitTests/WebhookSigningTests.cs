using System.Net;
using System.Security.Cryptography;
using System.Text;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.NotifyStaff;
using Clinic.Modules.Notifications.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Clinic.UnitTests;

/// <summary>
/// Webhooks are signed as Standard Webhooks, so a clinic's relay can check them with any off-the-shelf
/// verifier: here the StandardWebhooks package checks what WebhookChannel really sends over HTTP.
/// </summary>
public sealed class WebhookSigningTests : IAsyncLifetime
{
    private static readonly StaffAlert Alert =
        new(Guid.NewGuid(), "KC-ABCDE-FGHIJ", "ptsd", false, false, DateTimeOffset.UnixEpoch, new Uri("https://clinic.example/requests/1"), null);

    private WebApplication _receiver = null!;
    private Uri _url = null!;
    private HttpStatusCode _answer = HttpStatusCode.NoContent;
    private (IHeaderDictionary Headers, byte[] Body)? _received;

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _received = (new HeaderDictionary(new Dictionary<string, StringValues>(request.Headers, StringComparer.OrdinalIgnoreCase)), body.ToArray());
            return Results.StatusCode((int)_answer);
        });
        await _receiver.StartAsync();
        _url = new Uri(new Uri(_receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/hook");
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>Binds the endpoint from configuration keys, as an operator would write them.</summary>
    private WebhookChannel Channel(TimeProvider time, string secret, params string[] previous)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:relay:Url"] = _url.ToString(),
            ["Webhooks:relay:Secret"] = secret,
        };
        for (var i = 0; i < previous.Length; i++)
        {
            settings[$"Webhooks:relay:PreviousSecrets:{i}"] = previous[i];
        }

        var options = new NotificationsOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().Bind(options);
        Assert.Empty(Problems(options));
        return new WebhookChannel(new OneClient(), new FixedMonitor(options), time);
    }

    private async Task<(IHeaderDictionary Headers, string Body)> DeliverAsync(WebhookChannel channel, string deliveryId = "d1")
    {
        await channel.DeliverAsync(Alert, "relay", deliveryId, CancellationToken.None);
        var (headers, body) = Assert.NotNull(_received);
        return (headers, Encoding.UTF8.GetString(body));
    }

    private static IEnumerable<string> Problems(NotificationsOptions options) =>
        (new NotificationsOptionsValidator().Validate(null, options).Failures ?? []).Where(f => f.StartsWith("Notifications:Webhooks:", StringComparison.Ordinal));

    [Fact]
    public void The_signature_matches_the_specifications_reference_vector()
    {
        // From the Standard Webhooks reference libraries' tests.
        var signature = WebhookSignature.Sign(
            ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public async Task A_delivery_carries_the_delivery_id_and_send_time_and_verifies_with_an_independent_library()
    {
        var secret = NewSecret();
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var (headers, body) = await DeliverAsync(Channel(new FixedTime(now), secret), "0f1e.webhook.ABC");

        Assert.Equal("0f1e.webhook.ABC", headers["webhook-id"].ToString());
        Assert.Equal(now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), headers["webhook-timestamp"].ToString());
        Assert.Equal("application/json", headers.ContentType.ToString());
        new StandardWebhook(secret).Verify(body, headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(NewSecret()).Verify(body, headers));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(body.Replace("ptsd", "crps", StringComparison.Ordinal), headers));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task During_a_rotation_receivers_holding_only_the_new_or_only_an_old_secret_all_verify(int previous)
    {
        var newSecret = NewSecret();
        var oldSecrets = Enumerable.Range(0, previous).Select(_ => NewSecret()).ToArray();

        var (headers, body) = await DeliverAsync(Channel(TimeProvider.System, newSecret, oldSecrets));

        Assert.Equal(previous + 1, headers["webhook-signature"].ToString().Split(' ').Distinct().Count());
        foreach (var secret in oldSecrets.Prepend(newSecret))
        {
            new StandardWebhook(secret).Verify(body, headers);
        }

        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(NewSecret()).Verify(body, headers));
    }

    [Fact]
    public async Task A_delivery_signed_too_long_ago_is_refused_by_the_verifier()
    {
        var secret = NewSecret();

        var (headers, body) = await DeliverAsync(Channel(new FixedTime(DateTimeOffset.UtcNow.AddMinutes(-10)), secret));

        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(body, headers));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, true)]
    [InlineData(HttpStatusCode.Unauthorized, true)]
    [InlineData(HttpStatusCode.RequestTimeout, false)]
    [InlineData(HttpStatusCode.TooManyRequests, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false)]
    public async Task A_refusal_fails_at_once_and_an_outage_is_retried(HttpStatusCode answer, bool permanent)
    {
        _answer = answer;

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => DeliverAsync(Channel(TimeProvider.System, NewSecret())));

        Assert.IsType(permanent ? typeof(PermanentDeliveryFailure) : typeof(HttpRequestException), failure);
    }

    [Theory]
    [InlineData("", "Secret is missing")]
    [InlineData("test-webhook-secret-0123456789-abcdefghij", "Secret must be a Standard Webhooks secret, 'whsec_' followed by the base64")]
    [InlineData("whsec_not base64!", "Secret is not valid base64 after 'whsec_'")]
    [InlineData("whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=", "Secret decodes to 20 bytes, but a signing secret must be 24 to 64 bytes")]
    public void An_unusable_secret_stops_the_start_with_a_message_that_says_how_to_make_one(string secret, string expected)
    {
        var options = new NotificationsOptions { Webhooks = { ["relay"] = new() { Url = new("https://relay.example/"), Secret = secret } } };

        var problem = Assert.Single(Problems(options));

        Assert.StartsWith($"Notifications:Webhooks:relay:{expected}", problem, StringComparison.Ordinal);
        Assert.EndsWith("generate one with: echo \"whsec_$(openssl rand -base64 32)\"", problem, StringComparison.Ordinal);
        if (secret.Length > 0)
        {
            Assert.DoesNotContain(secret, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_previous_secret_is_checked_like_the_current_one()
    {
        var options = new NotificationsOptions
        {
            Webhooks = { ["relay"] = new() { Url = new("https://relay.example/"), Secret = NewSecret(), PreviousSecrets = [NewSecret(), "an-old-plain-password-of-32-chars!"] } },
        };

        Assert.StartsWith("Notifications:Webhooks:relay:PreviousSecrets:1 must be a Standard Webhooks secret", Assert.Single(Problems(options)), StringComparison.Ordinal);
    }

    private sealed class OneClient : IHttpClientFactory
    {
        private static readonly HttpClient Client = new();

        public HttpClient CreateClient(string name) => Client;
    }

    private sealed class FixedMonitor(NotificationsOptions value) : IOptionsMonitor<NotificationsOptions>
    {
        public NotificationsOptions CurrentValue => value;

        public NotificationsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<NotificationsOptions, string?> listener) => null;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
