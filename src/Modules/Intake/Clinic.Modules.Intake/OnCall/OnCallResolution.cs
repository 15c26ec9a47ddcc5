using NodaTime;

namespace Clinic.Modules.Intake.OnCall;

/// <summary>Who is on call at a moment, and who takes over next: an override wins over the rotation.</summary>
internal static class OnCallResolution
{
    /// <summary>Hand-overs recur weekly; a fortnight either side covers any moment's last and next one.</summary>
    private const int DaysAround = 8;

    public sealed record Shift(OnCallPerson Person, DateTimeOffset? Until, string? Reason);

    public sealed record Next(OnCallPerson Person, DateTimeOffset From);

    public static Shift? OnCallAt(OnCallSchedule schedule, DateTimeOffset at, DateTimeZone zone) =>
        PersonAt(schedule, at, zone) is { } now ? new Shift(now.Person, NextAfter(schedule, at, zone)?.From, now.Reason) : null;

    /// <summary>The next person, different from the one on call now, and when they take over.</summary>
    public static Next? NextAfter(OnCallSchedule schedule, DateTimeOffset at, DateTimeZone zone)
    {
        var current = PersonAt(schedule, at, zone)?.Person;
        foreach (var change in ChangesAfter(schedule, at, zone))
        {
            if (PersonAt(schedule, change, zone)?.Person is { } person && !Same(person, current))
            {
                return new Next(person, change);
            }
        }

        return null;
    }

    /// <summary>The rotation's hand-overs as instants around <paramref name="at"/>, in order. Skipped local times move forward by the gap.</summary>
    public static List<(DateTimeOffset At, OnCallHandOver HandOver)> HandOversAround(OnCallSchedule schedule, DateTimeOffset at, DateTimeZone zone)
    {
        var today = Instant.FromDateTimeOffset(at).InZone(zone).Date;
        var handOvers = new List<(DateTimeOffset, OnCallHandOver)>();
        for (var date = today.PlusDays(-DaysAround); date <= today.PlusDays(DaysAround); date = date.PlusDays(1))
        {
            foreach (var handOver in schedule.Rotation.Where(h => h.Day == date.ToDateOnly().DayOfWeek))
            {
                handOvers.Add((zone.AtLeniently(date + LocalTime.FromTimeOnly(handOver.At)).ToDateTimeOffset(), handOver));
            }
        }

        return [.. handOvers.OrderBy(h => h.Item1)];
    }

    private static (OnCallPerson Person, string? Reason)? PersonAt(OnCallSchedule schedule, DateTimeOffset at, DateTimeZone zone)
    {
        // The latest-starting override covering the moment: a swap inside a holiday cover wins over the cover.
        var cover = schedule.Overrides.Where(o => o.From <= at && at < o.Until).OrderBy(o => o.From).LastOrDefault();
        if (cover is not null)
        {
            return (cover.Person, cover.Reason);
        }

        var handOver = HandOversAround(schedule, at, zone).LastOrDefault(h => h.At <= at);
        return handOver.HandOver is { } current ? (current.Person, null) : null;
    }

    private static IEnumerable<DateTimeOffset> ChangesAfter(OnCallSchedule schedule, DateTimeOffset at, DateTimeZone zone) =>
        HandOversAround(schedule, at, zone).Select(h => h.At)
            .Concat(schedule.Overrides.SelectMany(o => new[] { o.From, o.Until }))
            .Where(t => t > at)
            .Distinct()
            .Order();

    private static bool Same(OnCallPerson? a, OnCallPerson? b) =>
        a is not null && b is not null && string.Equals(a.Email, b.Email, StringComparison.OrdinalIgnoreCase);
}
