using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.ScheduleCall;

internal sealed class IntakeRateLimitOptions
{
    public const string Section = "Intake:RateLimit";

    /// <summary>Submissions allowed per client IP address in each window.</summary>
    public int PermitLimit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Limits submissions per client IP (form POSTs and the JSON API; reading pages is never limited).
/// Behind a reverse proxy, configure forwarded headers so the client's address is the one counted.
/// </summary>
internal static class IntakeRateLimiting
{
    public const string PolicyName = "intake-submissions";

    /// <summary>One bucket per IPv4 address, and per /64 for IPv6 (one household or device gets a whole /64).</summary>
    internal static string PartitionKey(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            return Convert.ToHexString(bytes, 0, 8) + "::/64";
        }

        return address.ToString();
    }

    public static void AddIntakeRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PolicyName, context =>
            {
                if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("reads");
                }

                var options = context.RequestServices.GetRequiredService<IOptionsMonitor<IntakeRateLimitOptions>>().CurrentValue;
                var client = PartitionKey(context.Connection.RemoteIpAddress);
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = options.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? (int)Math.Ceiling(wait.TotalSeconds)
                    : 60;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                if (!http.Request.Path.StartsWithSegments("/api"))
                {
                    // People get the site's page (status pages re-execute on an empty body); APIs get problem details.
                    return;
                }

                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"Please wait {retryAfter} seconds and try again. If you need help now, call or text 988, or call 911 in an emergency.",
                    },
                });
            };
        });
    }
}
