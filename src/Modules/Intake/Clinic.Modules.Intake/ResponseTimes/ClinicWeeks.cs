namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>Weeks as the clinic lives them: Monday to Sunday in its own time zone, whatever the server's.</summary>
internal sealed class ClinicWeeks(TimeZoneInfo zone)
{
    public TimeZoneInfo Zone => zone;

    /// <summary>The Monday of the clinic week that holds <paramref name="instant"/>.</summary>
    public DateOnly WeekOf(DateTimeOffset instant)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    /// <summary>The instant a clinic day begins (its first valid local time, should midnight be skipped by a clock change).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>The last <paramref name="count"/> weeks up to and including the current one, oldest first.</summary>
    public IReadOnlyList<DateOnly> Last(int count, DateTimeOffset now)
    {
        var current = WeekOf(now);
        return [.. Enumerable.Range(0, count).Select(i => current.AddDays(-7 * (count - 1 - i)))];
    }

    /// <summary>The clinic's zone from its IANA id; UTC when the id is unknown here (start-up validation reports that).</summary>
    public static ClinicWeeks For(string timeZoneId) =>
        new(TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc);
}
