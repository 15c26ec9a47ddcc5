using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Clinic.Host.ServiceDefaults;

/// <summary>
/// How many attribute combinations each metric stream has room for. OpenTelemetry allocates every stream's points
/// when the instrument is first seen (2,000 by default), and the host's meters and the libraries' publish many streams
/// whose attributes take a handful of values each (channel, urgency, consumer, pool, status), so the default
/// mostly holds empty points. The request-duration histogram keeps the default: its route, method and status code
/// multiply. A combination past the limit is not lost: it is counted under <c>otel.metric.overflow</c>. The same view
/// drops the two streams whose recording costs more than it tells (<see cref="IsPerRentInstrument"/>).
/// </summary>
internal static class MetricCardinality
{
    public const int Limit = 200;

    public const int RequestDurationLimit = 2000;

    /// <summary>The one view every stream goes through (a second matching view would publish the stream twice).</summary>
    public static MetricStreamConfiguration For(Instrument instrument) => IsPerRentInstrument(instrument)
        ? MetricStreamConfiguration.Drop
        : new()
        {
            CardinalityLimit = instrument is { Name: "http.server.request.duration", Meter.Name: "Microsoft.AspNetCore.Hosting" } ? RequestDurationLimit : Limit,
        };

    /// <summary>
    /// Kestrel's memory pool updates these two on every buffer rented and returned, several times per request;
    /// recording them was about 3 % of a cached page's host CPU (docs/profiles/2026-12-03-a62dcfa-content-page-summary.txt).
    /// Dropped, they are not listened to at all, and Kestrel skips them. The pool's allocations and evictions, which
    /// say when it grows or shrinks, are kept.
    /// </summary>
    internal static bool IsPerRentInstrument(Instrument instrument) =>
        instrument.Meter.Name == "Microsoft.AspNetCore.MemoryPool"
        && instrument.Name is "aspnetcore.memory_pool.rented" or "aspnetcore.memory_pool.pooled";
}
