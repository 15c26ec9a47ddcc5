using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Clinic.Host.RateLimiting;

/// <summary>Limits on submissions (form POSTs and the JSON API). The section keeps Intake's name: it limits Intake's submissions.</summary>
internal sealed class SubmissionRateLimitOptions
{
    public const string Section = "Intake:RateLimit";

    /// <summary>Submissions allowed per client (see <see cref="ClientNetworkKey"/>) in each window.</summary>
    public int PermitLimit { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Submissions the host works on at once, across all clients; more wait in <see cref="QueueLimit"/>.</summary>
    public int ConcurrencyLimit { get; set; } = 16;

    /// <summary>Submissions that may wait for a turn; beyond that the host answers 503 at once.</summary>
    public int QueueLimit { get; set; } = 32;
}

/// <summary>
/// One client as every limit of the host counts it: an IPv4 address, or an IPv6 /64 (one household or device
/// gets a whole /64, so rotating the low bits must not buy more attempts). Behind a reverse proxy, configure
/// forwarded headers so the client's address is the one counted.
/// </summary>
internal static class ClientNetworkKey
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? Convert.ToHexString(address.GetAddressBytes(), 0, 8) + "::/64"
            : address.ToString();
    }
}

/// <summary>
/// The host's rate limits, per client (<see cref="ClientNetworkKey"/>): submissions (the policy Intake's form and
/// API name) and sign-in. Across all clients, submissions beyond the host's capacity get 503 with Retry-After at
/// once instead of queueing without bound, where clients give up mid-append and memory grows
/// (docs/adr/0004-bounded-submission-capacity.md). A client retries with the same Idempotency-Key.
/// Modules cannot reference the host, so they name the policies by these strings.
/// </summary>
internal static class ClinicRateLimiting
{
    public const string SubmissionsPolicy = "intake-submissions";
    public const string SignInPolicy = "sign-in";
    public const string StatusLookupsPolicy = "request-status-lookups";

    /// <summary>A form or API submission: a POST to an endpoint under the submissions policy (pages and reads never wait).</summary>
    private static bool IsSubmission(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == SubmissionsPolicy;

    public static IHostApplicationBuilder AddClinicRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SubmissionRateLimitOptions>()
            .Bind(builder.Configuration.GetSection(SubmissionRateLimitOptions.Section))
            .Validate(o => o.PermitLimit >= 1, $"{SubmissionRateLimitOptions.Section}:PermitLimit must be at least 1.")
            .Validate(o => o.Window > TimeSpan.Zero, $"{SubmissionRateLimitOptions.Section}:Window must be a positive time span, e.g. 00:10:00.")
            .Validate(o => o.ConcurrencyLimit >= 1, $"{SubmissionRateLimitOptions.Section}:ConcurrencyLimit must be at least 1.")
            .Validate(o => o.QueueLimit >= 0, $"{SubmissionRateLimitOptions.Section}:QueueLimit cannot be negative.")
            .ValidateOnStart();
        builder.Services.AddClinicRateLimiter();
        return builder;
    }

    public static IServiceCollection AddClinicRateLimiter(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        // Only the global limiter is a concurrency limiter, and its refusals carry no Retry-After metadata.
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (!IsSubmission(context))
            {
                return RateLimitPartition.GetNoLimiter("not a submission");
            }

            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<SubmissionRateLimitOptions>>().CurrentValue;
            return RateLimitPartition.GetConcurrencyLimiter("submissions", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.ConcurrencyLimit,
                QueueLimit = options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        });
        limiter.AddPolicy(SubmissionsPolicy, context =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                return RateLimitPartition.GetNoLimiter("reads");
            }

            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<SubmissionRateLimitOptions>>().CurrentValue;
            return RateLimitPartition.GetFixedWindowLimiter(ClientNetworkKey.Of(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.PermitLimit,
                Window = options.Window,
                QueueLimit = 0,
            });
        });
        // Password guessing is slowed per client as well as per account (lockout).
        limiter.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            ClientNetworkKey.Of(context.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(5) }));
        // Looking up a reference says whether a request exists: generous for a client checking its own,
        // far too slow for walking the reference space.
        limiter.AddPolicy(StatusLookupsPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            ClientNetworkKey.Of(context.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) }));
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var http = rejected.HttpContext;
            var busy = !rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
            var retryAfter = busy ? 1 : (int)Math.Ceiling(wait.TotalSeconds);
            http.Response.StatusCode = busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            if (!Shell.ShellExtensions.IsApi(http))
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
