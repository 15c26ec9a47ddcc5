using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Clinic.Host.ServiceDefaults;

/// <summary>Observability — who may scrape <see cref="MetricsScrape.Path"/>.</summary>
internal sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    public const int MinimumTokenLength = 32;

    /// <summary>The bearer token a Prometheus scraper must send. Unset or empty: only this machine may scrape.</summary>
    public string? MetricsScrapeToken { get; set; }
}

/// <summary>
/// The Prometheus scrape endpoint's access rule. The output is counts and timings only (no personal data,
/// a test checks), yet how many people in crisis wrote in today is the clinic's business, so it is not public.
/// </summary>
internal static class MetricsScrape
{
    public const string Path = "/metrics";
    public const string PolicyName = "metrics-scrape";

    /// <summary>
    /// With a token configured, the caller must send it as <c>Authorization: Bearer …</c>. Without one, only a
    /// direct connection from this machine may scrape: not one relayed by a proxy, whose clients could be anyone.
    /// </summary>
    public static bool Allows(HttpContext context, string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            const string scheme = "Bearer ";
            var sent = context.Request.Headers.Authorization.ToString();
            return sent.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent[scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
        }

        return context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote) && !RelayedByProxy(context.Request.Headers);
    }

    /// <summary>A proxy's headers, as sent or as the forwarded-headers middleware leaves them once applied.</summary>
    private static bool RelayedByProxy(IHeaderDictionary headers) =>
        headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Forwarded-Proto")
        || headers.ContainsKey("X-Original-For") || headers.ContainsKey("X-Original-Proto");

    public static IServiceCollection AddMetricsScrapeAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ObservabilityOptions>()
            .Bind(configuration.GetSection(ObservabilityOptions.Section))
            .Validate(
                options => string.IsNullOrEmpty(options.MetricsScrapeToken) || options.MetricsScrapeToken.Length >= ObservabilityOptions.MinimumTokenLength,
                $"Observability:MetricsScrapeToken needs at least {ObservabilityOptions.MinimumTokenLength} characters.")
            .ValidateOnStart();
        services.AddSingleton<IAuthorizationHandler, ScraperHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, policy => policy.AddRequirements(new ScraperRequirement()));
        return services;
    }

    private sealed class ScraperRequirement : IAuthorizationRequirement;

    private sealed class ScraperHandler(IOptionsMonitor<ObservabilityOptions> options) : AuthorizationHandler<ScraperRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScraperRequirement requirement)
        {
            if (context.Resource is HttpContext http && Allows(http, options.CurrentValue.MetricsScrapeToken))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
