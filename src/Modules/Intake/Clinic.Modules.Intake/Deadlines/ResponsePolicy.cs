using Clinic.Modules.Intake.Domain;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Clinic.Modules.Intake.Deadlines;

/// <summary>The response policy as the rest of Intake uses it: deadlines for a request, and the escalation chain.</summary>
internal sealed class ResponsePolicy(IOptionsMonitor<ResponsePolicyOptions> options)
{
    /// <summary>Far beyond any sane policy; stops a calendar with every day a holiday from looping for ever.</summary>
    private const int MaxDaysAhead = 3 * 366;

    public ResponseDeadlinesSet DeadlinesFor(bool urgent, DateTimeOffset from)
    {
        var current = options.CurrentValue;
        var policy = urgent ? current.Urgent : current.Routine;
        return new ResponseDeadlinesSet(
            Due(current, policy.Acknowledge, from),
            Due(current, policy.FirstContact, from),
            urgent ? "urgent" : "routine",
            from);
    }

    public IReadOnlyList<EscalationStepOptions> EscalationFor(bool urgent) =>
        (urgent ? options.CurrentValue.Urgent : options.CurrentValue.Routine).Escalation;

    private static DateTimeOffset Due(ResponsePolicyOptions current, DeadlineRule rule, DateTimeOffset from) =>
        rule.Clock == DeadlineClock.Always
            ? from + rule.Within
            : AfterBusinessTime(current, Instant.FromDateTimeOffset(from), Duration.FromTimeSpan(rule.Within)).ToDateTimeOffset();

    /// <summary>
    /// Counts <paramref name="within"/> of business time from <paramref name="from"/>: only the minutes between
    /// opening and closing on working days that are not holidays, in the clinic's zone. Opening and closing are
    /// local times, turned into instants per day, so a DST change shortens or lengthens only the day it falls on.
    /// A deadline that uses up a day exactly is due at that day's closing time, not the next morning.
    /// </summary>
    private static Instant AfterBusinessTime(ResponsePolicyOptions current, Instant from, Duration within)
    {
        var zone = DateTimeZoneProviders.Tzdb[current.TimeZone];
        var hours = current.BusinessHours;
        var days = hours.Days.Select(Convert).ToHashSet();
        var holidays = Holidays(current);
        var remaining = within;
        var date = from.InZone(zone).Date;
        for (var i = 0; i <= MaxDaysAhead; i++, date = date.PlusDays(1))
        {
            if (!days.Contains(date.DayOfWeek) || holidays.Contains(date))
            {
                continue;
            }

            var opens = zone.AtLeniently(date + LocalTime.FromTimeOnly(hours.Opens)).ToInstant();
            var closes = zone.AtLeniently(date + LocalTime.FromTimeOnly(hours.Closes)).ToInstant();
            var start = Instant.Max(opens, from);
            if (start >= closes)
            {
                continue;
            }

            var open = closes - start;
            if (remaining <= open)
            {
                return start + remaining;
            }

            remaining -= open;
        }

        throw new InvalidOperationException(
            $"{ResponsePolicyOptions.Section} leaves no business hours in the next {MaxDaysAhead} days: check BusinessHours and Holidays.");
    }

    private static HashSet<LocalDate> Holidays(ResponsePolicyOptions current) =>
        current.Holidays.Select(h => HolidayPattern.Parse(h.Trim())).Where(r => r.Success).Select(r => r.Value).ToHashSet();

    internal static readonly LocalDatePattern HolidayPattern = LocalDatePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd");

    private static IsoDayOfWeek Convert(DayOfWeek day) => day == DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)day;
}
