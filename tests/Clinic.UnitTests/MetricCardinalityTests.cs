using System.Diagnostics.Metrics;
using Clinic.Host.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Clinic.UnitTests;

/// <summary>
/// The room each metric stream gets, through the host's own telemetry setup: a stream keeps its limit's worth of
/// attribute combinations and counts the rest under otel.metric.overflow rather than dropping them; Kestrel's per-rent
/// pool streams are not listened to at all.
/// </summary>
public sealed class MetricCardinalityTests
{
    [Fact]
    public void A_stream_of_the_host_keeps_the_limit_of_combinations_and_counts_the_rest_as_overflow()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddServiceDefaults("Host=127.0.0.1;Username=clinic;Database=clinic");
        var exported = new List<MetricSnapshot>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(exported));
        using var app = builder.Build();
        var provider = app.Services.GetRequiredService<MeterProvider>();
        // A meter of the host's own family ("Clinic.*"), named for this test alone.
        using var meter = new Meter($"Clinic.CardinalityProbe{Guid.NewGuid():N}");
        var counter = meter.CreateCounter<long>("probe");
        const int combinations = MetricCardinality.Limit + 50;
        for (var i = 0; i < combinations; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("n", i));
        }

        // The Prometheus exporter beside it only answers scrapes, so the flush as a whole reports false; the in-memory one has its copy.
        provider.ForceFlush();
        var points = exported.Last(m => m.Name == "probe").MetricPoints;
        var overflow = points.Where(IsOverflow).ToList();
        var kept = points.Where(p => !IsOverflow(p)).ToList();
        Assert.Equal(MetricCardinality.Limit, kept.Count);
        Assert.Single(overflow);
        Assert.Equal(combinations, kept.Sum(p => p.GetSumLong()) + overflow.Sum(p => p.GetSumLong()));
    }

    [Fact]
    public void The_request_duration_histogram_keeps_the_default_room_for_its_routes_methods_and_statuses()
    {
        using var hosting = new Meter("Microsoft.AspNetCore.Hosting");
        using var other = new Meter("Clinic.CardinalityProbe");
        Assert.Equal(2000, MetricCardinality.For(hosting.CreateHistogram<double>("http.server.request.duration")).CardinalityLimit);
        Assert.Equal(MetricCardinality.Limit, MetricCardinality.For(other.CreateHistogram<double>("http.server.request.duration")).CardinalityLimit);
        Assert.Equal(MetricCardinality.Limit, MetricCardinality.For(hosting.CreateUpDownCounter<long>("http.server.active_requests")).CardinalityLimit);
    }

    [Fact]
    public void Kestrels_per_buffer_pool_measures_are_not_listened_to_while_its_growth_and_eviction_are()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddServiceDefaults("Host=127.0.0.1;Username=clinic;Database=clinic");
        using var app = builder.Build();
        _ = app.Services.GetRequiredService<MeterProvider>();
        // The meter and instrument names Kestrel's memory pool publishes (ASP.NET Core 10).
        using var pool = new Meter("Microsoft.AspNetCore.MemoryPool");
        var rented = pool.CreateCounter<long>("aspnetcore.memory_pool.rented");
        var pooled = pool.CreateUpDownCounter<long>("aspnetcore.memory_pool.pooled");
        var allocated = pool.CreateCounter<long>("aspnetcore.memory_pool.allocated");
        var evicted = pool.CreateCounter<long>("aspnetcore.memory_pool.evicted");

        // An instrument nobody listens to is skipped by Kestrel before it builds the measurement.
        Assert.False(rented.Enabled);
        Assert.False(pooled.Enabled);
        Assert.True(allocated.Enabled);
        Assert.True(evicted.Enabled);
    }

    [Fact]
    public void Kestrels_memory_pool_publishes_only_the_streams_the_view_knows_by_name()
    {
        // The test above names the instruments itself; this one asks the framework, so a renamed instrument (10.0
        // renamed "used" to "pooled") fails here instead of being listened to again unnoticed.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore();
        using var app = builder.Build();
        // Only this application's pool: a host of another test class running in parallel has a Kestrel pool too.
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        var published = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.MemoryPool" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    lock (published)
                    {
                        published.Add(instrument);
                    }
                }
            },
        };
        using var pool = app.Services.GetRequiredService<IMemoryPoolFactory<byte>>().Create();
        pool.Rent().Dispose();
        listener.Start();

        lock (published)
        {
            Assert.Equal(
                ["aspnetcore.memory_pool.allocated", "aspnetcore.memory_pool.evicted", "aspnetcore.memory_pool.pooled", "aspnetcore.memory_pool.rented"],
                published.Select(i => i.Name).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(
                ["aspnetcore.memory_pool.pooled", "aspnetcore.memory_pool.rented"],
                published.Where(MetricCardinality.IsPerRentInstrument).Select(i => i.Name).Distinct().Order(StringComparer.Ordinal));
        }
    }

    private static bool IsOverflow(MetricPoint point)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == "otel.metric.overflow")
            {
                return true;
            }
        }

        return false;
    }
}
