using Clinic.Host.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.UnitTests;

/// <summary>
/// Beyond the host's capacity a submission is refused at once with 503 and Retry-After (the bench saw an
/// unbounded queue turn 500 req/s into 10 s waits); pages are never held back by it.
/// </summary>
public sealed class SubmissionCapacityTests
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RequestDelegate _pipeline;
    private readonly IServiceProvider _services;

    public SubmissionCapacityTests()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails();
        services.AddClinicRateLimiter();
        services.Configure<SubmissionRateLimitOptions>(options => (options.PermitLimit, options.ConcurrencyLimit, options.QueueLimit) = (1000, 1, 0));
        _services = services.BuildServiceProvider();
        var pipeline = new ApplicationBuilder(_services).UseRateLimiter();
        pipeline.Run(async context =>
        {
            // A submission being worked on holds its place until the test lets it finish.
            if (HttpMethods.IsPost(context.Request.Method))
            {
                await _release.Task;
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
        });
        _pipeline = pipeline.Build();
    }

    private async Task<HttpContext> SendAsync(string method, string path)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.Path = path;
        // As routing finds them: Intake's form and API name the submissions policy; other pages name none.
        if (path.StartsWith("/api/intake/requests", StringComparison.Ordinal))
        {
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new EnableRateLimitingAttribute(ClinicRateLimiting.SubmissionsPolicy)), path));
        }

        context.Response.Body = new MemoryStream();
        await _pipeline(context);
        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    [Fact]
    public async Task A_submission_beyond_capacity_gets_503_with_retry_after_while_pages_still_load()
    {
        var first = SendAsync("POST", "/api/intake/requests");

        // Refused at once, not queued behind the first: a wait here would be the bug.
        var refused = await SendAsync("POST", "/api/intake/requests").WaitAsync(TimeSpan.FromSeconds(5));
        var page = await SendAsync("GET", "/conditions/ptsd");

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.Contains("nothing was saved", Body(refused), StringComparison.Ordinal);
        Assert.Contains("988", Body(refused), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status201Created, page.Response.StatusCode);

        _release.SetResult();
        Assert.Equal(StatusCodes.Status201Created, (await first).Response.StatusCode);
        Assert.Equal(StatusCodes.Status201Created, (await SendAsync("POST", "/api/intake/requests")).Response.StatusCode);
    }
}
