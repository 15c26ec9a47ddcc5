using Clinic.Host.Shell;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.UnitTests;

public sealed class HttpsOnlyTests
{
    private static async Task<int> StatusAsync(string scheme, string path, bool allowPlainHttp)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [CookieSecurity.AllowPlainHttpKey] = allowPlainHttp.ToString() })
            .Build();
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var pipeline = new ApplicationBuilder(services).UseHttpsOnly(configuration);
        pipeline.Run(context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Scheme = scheme;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        await pipeline.Build()(context);
        return context.Response.StatusCode;
    }

    [Theory]
    [InlineData("https", "/schedule", false, 200)]
    [InlineData("http", "/schedule", false, 400)]
    [InlineData("http", "/api/intake/requests", false, 400)]
    [InlineData("http", "/health/ready", false, 200)]
    [InlineData("http", "/metrics", false, 200)]
    [InlineData("http", "/schedule", true, 200)]
    public async Task Only_health_probes_and_metrics_scrapes_are_answered_without_tls_unless_plain_http_is_allowed(string scheme, string path, bool allowPlainHttp, int expected) =>
        Assert.Equal(expected, await StatusAsync(scheme, path, allowPlainHttp));
}
