using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clinic.Modules.Notifications.Feed;

/// <summary>GET /staff/feed: Server-Sent Events of new requests for signed-in staff. No personal data.</summary>
internal static class StaffFeedEndpoint
{
    /// <summary>The host's staff-area policy (modules name policies; the host defines them).</summary>
    public const string StaffPolicy = "staff";

    public static void MapStaffFeed(this IEndpointRouteBuilder app) =>
        app.MapGet("/staff/feed", (HttpContext http, StaffFeedHub hub, CancellationToken cancellationToken) =>
            {
                // Proxies must not buffer or cache a live stream of (reference-only) alerts.
                http.Response.Headers.CacheControl = "no-store";
                http.Response.Headers["X-Accel-Buffering"] = "no";
                var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
                return TypedResults.ServerSentEvents(Stream(hub, lastEventId.Length == 0 ? null : lastEventId, cancellationToken));
            })
            .WithTags("Staff")
            .RequireAuthorization(StaffPolicy)
            .ExcludeFromDescription();

    private static async IAsyncEnumerable<SseItem<object>> Stream(StaffFeedHub hub, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Sent at once so the response (and its headers) starts now: a browser's EventSource reports
        // "open" and a client knows it is subscribed before the first request arrives.
        yield return new SseItem<object>(new { connected = true }, "ready");
        await foreach (var item in hub.SubscribeAsync(lastEventId, cancellationToken))
        {
            yield return new SseItem<object>(item, item.EscalationStep is not null ? "escalation" : item.Urgent ? "urgent-request" : "request") { EventId = item.Id };
        }
    }
}
