using System.Diagnostics.Metrics;
using Clinic.Modules.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.UnitTests;

public sealed class NotificationsMetricsTests
{
    private sealed record Recorded(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>
    /// Runs <paramref name="act"/> against a fresh meter factory and returns what its instruments recorded,
    /// without the zeros every failure counter starts at unless <paramref name="includeStartup"/>.
    /// </summary>
    private static List<Recorded> Record(Action<NotificationsMetrics> act, bool includeStartup = false)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var recorded = new List<Recorded>();
        using var listener = new MeterListener();
        // Only this factory's meters: other tests may record on meters of the same name meanwhile.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => recorded.Add(new(i.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => recorded.Add(new(i.Name, value, ToDictionary(tags))));
        listener.Start();
        var metrics = new NotificationsMetrics(factory);
        if (!includeStartup)
        {
            recorded.Clear();
        }

        act(metrics);
        return recorded;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    [Fact]
    public void Latency_is_recorded_in_seconds_tagged_with_the_channel_and_urgency_only()
    {
        var recorded = Assert.Single(Record(m => m.Delivered("email", urgent: true, TimeSpan.FromMilliseconds(1500))));

        Assert.Equal(("clinic.notifications.delivery.latency", 1.5), (recorded.Instrument, recorded.Value));
        Assert.Equal(new Dictionary<string, object?> { ["channel"] = "email", ["urgent"] = true }, recorded.Tags);
    }

    [Fact]
    public void A_channel_name_that_is_not_one_of_ours_is_tagged_other_so_a_stray_message_adds_no_series()
    {
        var recorded = Record(m =>
        {
            m.AttemptFailed("KC-7F3KQ-9XDMA");
            m.GaveUp("webhook");
        });

        Assert.Equal(["other", "webhook"], recorded.Select(r => r.Tags["channel"]));
        Assert.Equal(["clinic.notifications.delivery.failed_attempts", "clinic.notifications.delivery.failures"], recorded.Select(r => r.Instrument));
    }

    [Fact]
    public void Clock_skew_between_hosts_never_records_a_negative_latency() =>
        Assert.Equal(0, Assert.Single(Record(m => m.Delivered("feed", urgent: false, TimeSpan.FromSeconds(-2)))).Value);

    [Fact]
    public void Both_failure_counters_start_at_zero_for_every_channel_so_dashboards_and_alerts_see_them_before_the_first_failure()
    {
        var recorded = Record(_ => { }, includeStartup: true);

        foreach (var instrument in new[] { "clinic.notifications.delivery.failed_attempts", "clinic.notifications.delivery.failures" })
        {
            Assert.Equal(
                ["email", "feed", "webhook"],
                recorded.Where(r => r.Instrument == instrument).Select(r => (string)r.Tags["channel"]!).Order());
        }

        Assert.All(recorded, r => Assert.Equal(0, r.Value));
    }
}
