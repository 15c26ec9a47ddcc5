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

    /// <summary>Submissions the host works on at once, across all clients; more wait in <see cref="QueueLimit"/>.</summary>
    public int ConcurrencyLimit { get; set; } = 16;

    /// <summary>Submissions that may wait for a turn; beyond that the host answers 503 at once.</summary>
    public int QueueLimit { get; set; } = 32;
}

/// <summary>
/// Limits submissions per client IP (form POSTs and the JSON API; reading pages is never limited).
/// Behind a reverse proxy, configure forwarded headers so the client's address is the one counted.
/// Across all clients, submissions beyond the host's capacity get 503 with Retry-After at once instead of
/// queueing without bound: the bench showed an unbounded queue turning 500 req/s into 10 s waits, clients
/// giving up mid-append, and 850 MB of memory. A client retries with the same Idempotency-Key.
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

    /// <summary>A form or API submission: what the limits apply to (pages and reads never wait).</summary>
    private static bool IsSubmission(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && (context.Request.Path.StartsWithSegments("/api/intake/requests") || context.Request.Path.StartsWithSegments("/schedule"));

    public static void AddIntakeRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            // Only the global limiter is a concurrency limiter, and its refusals carry no Retry-After metadata.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!IsSubmission(context))
                {
                    return RateLimitPartition.GetNoLimiter("not a submission");
                }

                var options = context.RequestServices.GetRequiredService<IOptionsMonitor<IntakeRateLimitOptions>>().CurrentValue;
                return RateLimitPartition.GetConcurrencyLimiter("submissions", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.ConcurrencyLimit,
                    QueueLimit = options.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
            });
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
                var busy = !rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
                var retryAfter = busy ? 1 : (int)Math.Ceiling(wait.TotalSeconds);
                http.Response.StatusCode = busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests;
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
                        Status = http.Response.StatusCode,
                        Title = busy ? "Busy" : "Too many requests",
                        Detail = busy
                            ? "Too many requests are being submitted right now; nothing was saved. Please try again in a moment with the same Idempotency-Key. If you need help now, call or text 988, or call 911 in an emergency."
                            : $"Please wait {retryAfter} seconds and try again. If you need help now, call or text 988, or call 911 in an emergency.",
                    },
                });
            };
        });
    }
}
