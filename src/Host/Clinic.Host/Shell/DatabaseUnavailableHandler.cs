using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Clinic.Host.Shell;

/// <summary>
/// PostgreSQL down or unreachable is not a bug in the request: answer 503 with Retry-After (a 2xx is
/// only ever sent after the commit). A connection lost during the commit itself may still have saved
/// the request, so the answer says "may not" and points to a safe retry (submissions are idempotent).
/// APIs get problem details; people get the site's 503 page, which also repeats the crisis lines.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (ShellExtensions.IsApi(httpContext))
        {
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails =
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Temporarily unavailable",
                    Detail = $"The request may not have been saved. Please send it again in {RetryAfterSeconds} seconds with the same Idempotency-Key; a repeat never creates a second request.",
                },
            });
        }

        // Pages: the empty 503 is re-executed as /status/503 by the status-code pages around this handler.
        return true;
    }

    internal static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // Server-side refusals that mean "not now": shutting down, starting up, too many connections.
                    return postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                        or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections;
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or TimeoutException or EndOfStreamException }:
                    return true;
            }
        }

        return false;
    }

    [LoggerMessage(LogLevel.Warning, "PostgreSQL is unavailable ({ErrorType}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string errorType);
}
