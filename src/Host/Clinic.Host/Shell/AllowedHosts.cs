using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Shell;

/// <summary>
/// Answers only requests for the host names in <c>AllowedHosts</c> (semicolon-separated; appsettings.json
/// allows localhost and 127.0.0.1, and a deployment names its own host): a request with another Host header
/// gets 400, so no redirect, sign-in link or OpenAPI server entry can be made to point at a host an attacker
/// chose. The health probes and the metrics scrape are exempt: orchestrators and Prometheus address the host
/// by its pod or container IP, and neither answer says anything about the host.
/// </summary>
internal static class AllowedHosts
{
    private const string OptionsName = "Clinic";

    public static IServiceCollection AddAllowedHosts(this IServiceCollection services, IConfiguration configuration)
    {
        // ASP.NET Core's own filter reads the same key but runs first on every path, probes included:
        // it is left open, and the same middleware runs below with the exemptions.
        services.Configure<HostFilteringOptions>(Options.DefaultName, options => options.AllowedHosts = ["*"]);
        services.Configure<HostFilteringOptions>(OptionsName, options =>
        {
            var hosts = configuration["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            options.AllowedHosts = hosts.Length > 0 ? hosts : ["localhost", "127.0.0.1", "[::1]"];
            options.IncludeFailureMessage = false;
        });
        return services;
    }

    public static IApplicationBuilder UseAllowedHosts(this IApplicationBuilder app)
    {
        var monitor = app.ApplicationServices.GetRequiredService<IOptionsMonitor<HostFilteringOptions>>();
        return app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(ServiceDefaults.MetricsScrape.Path),
            filtered => filtered.UseMiddleware<HostFilteringMiddleware>(new NamedOptions(monitor)));
    }

    /// <summary>Hands the middleware this filter's named options as its current ones.</summary>
    private sealed class NamedOptions(IOptionsMonitor<HostFilteringOptions> monitor) : IOptionsMonitor<HostFilteringOptions>
    {
        public HostFilteringOptions CurrentValue => monitor.Get(OptionsName);

        public HostFilteringOptions Get(string? name) => monitor.Get(OptionsName);

        public IDisposable? OnChange(Action<HostFilteringOptions, string?> listener) =>
            monitor.OnChange((options, name) =>
            {
                if (name == OptionsName)
                {
                    listener(options, name);
                }
            });
    }
}
