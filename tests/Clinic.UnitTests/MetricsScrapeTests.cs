using System.Net;
using Clinic.Host.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

public sealed class MetricsScrapeTests
{
    private const string Token = "0123456789abcdef0123456789abcdef-scrape";

    private static HttpContext Request(string remote, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }

    [Theory]
    [InlineData("Bearer " + Token, true)]
    [InlineData("bearer " + Token, true)]
    [InlineData("Bearer " + Token + "x", false)]
    [InlineData("Bearer wrong", false)]
    [InlineData("Basic " + Token, false)]
    [InlineData("", false)]
    public void With_a_token_configured_every_scraper_must_send_it_even_from_loopback(string authorization, bool allowed)
    {
        var request = authorization.Length == 0 ? Request("127.0.0.1") : Request("127.0.0.1", ("Authorization", authorization));
        Assert.Equal(allowed, MetricsScrape.Allows(request, Token));
    }

    [Theory]
    [InlineData("127.0.0.1", null, true)]
    [InlineData("::1", null, true)]
    [InlineData("10.0.0.7", null, false)]
    [InlineData("127.0.0.1", "X-Forwarded-For", false)]
    [InlineData("127.0.0.1", "X-Original-For", false)]
    [InlineData("127.0.0.1", "X-Original-Proto", false)]
    [InlineData("127.0.0.1", "Forwarded", false)]
    public void Without_a_token_only_a_direct_connection_from_this_machine_may_scrape(string remote, string? proxyHeader, bool allowed)
    {
        var request = proxyHeader is null ? Request(remote) : Request(remote, (proxyHeader, "203.0.113.9"));
        Assert.Equal(allowed, MetricsScrape.Allows(request, token: null));
    }

    [Fact]
    public void A_short_token_stops_the_host_at_startup()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Observability:MetricsScrapeToken"] = "too-short" })
            .Build();
        using var services = new ServiceCollection().AddMetricsScrapeAccess(configuration).BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ObservabilityOptions>>().Value);
        Assert.Contains("32 characters", refused.Message, StringComparison.Ordinal);
    }
}
