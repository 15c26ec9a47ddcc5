using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>
/// Test-only: lets each test client act as a different visitor (client IP), so per-IP rate limiting
/// can be tested without tests starving each other. Registered only by the test fixture.
/// </summary>
internal sealed class SimulatedClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";
    private static int _next;

    /// <summary>A fresh address from the IPv6 documentation range (never routed anywhere), in its own /64.</summary>
    public static string NewAddress() => $"2001:db8:{Interlocked.Increment(ref _next):x}::1";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
