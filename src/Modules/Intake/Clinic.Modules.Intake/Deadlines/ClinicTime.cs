using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Clinic.Modules.Intake.Deadlines;

/// <summary>
/// The clinic's wall clock (Intake:ResponsePolicy:TimeZone): every time shown to people and every time they
/// type in. Stored times stay UTC instants; only this class turns them into the clinic's local time and back.
/// </summary>
internal sealed class ClinicTime(IOptionsMonitor<ResponsePolicyOptions> options)
{
    private static readonly LocalDateTimePattern InputMinutes = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm");
    private static readonly LocalDateTimePattern InputSeconds = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss");

    /// <summary>The clinic's time zone (validated at start, so it always exists).</summary>
    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[options.CurrentValue.TimeZone];

    /// <summary>What people call the zone, for sentences: "Eastern Time".</summary>
    public string ZoneName => options.CurrentValue.TimeZoneName;

    /// <summary>The zone's IANA id ("America/New_York"): unambiguous, for staff pages that state the zone once.</summary>
    public string ZoneId => options.CurrentValue.TimeZone;

    public ZonedDateTime InClinic(DateTimeOffset at) => Instant.FromDateTimeOffset(at).InZone(Zone);

    /// <summary>"Tuesday 1 December, 10:00 a.m. EST": for sentences people read.</summary>
    public string Format(DateTimeOffset at)
    {
        var local = InClinic(at);
        return $"{DayAndTime(local.LocalDateTime)} {Abbreviation(local)}";
    }

    /// <summary>"Tuesday 1 December, 10:00 a.m.": for a sentence that names the zone itself ("(Eastern Time)").</summary>
    public string FormatWithoutZone(DateTimeOffset at) => DayAndTime(InClinic(at).LocalDateTime);

    /// <summary>"2026-12-01 10:00 EST": compact and sortable, for tables.</summary>
    public string FormatShort(DateTimeOffset at)
    {
        var local = InClinic(at);
        return $"{local.LocalDateTime.ToString("uuuu'-'MM'-'dd HH':'mm", CultureInfo.InvariantCulture)} {Abbreviation(local)}";
    }

    /// <summary>"2026-12-01 10:00": for tables on pages that state the zone once.</summary>
    public string FormatTable(DateTimeOffset at) => InClinic(at).LocalDateTime.ToString("uuuu'-'MM'-'dd HH':'mm", CultureInfo.InvariantCulture);

    /// <summary>"2026-12-01 10:00:05": for histories, where the order of seconds matters.</summary>
    public string FormatTableSeconds(DateTimeOffset at) => InClinic(at).LocalDateTime.ToString("uuuu'-'MM'-'dd HH':'mm':'ss", CultureInfo.InvariantCulture);

    /// <summary>The value an <c>&lt;input type="datetime-local"&gt;</c> shows for this instant, in clinic time.</summary>
    public string ToInput(DateTimeOffset at) => InputMinutes.Format(InClinic(at).LocalDateTime);

    /// <summary>
    /// Reads an <c>&lt;input type="datetime-local"&gt;</c> value that a person entered in clinic time. A time the
    /// clocks skip (spring forward) is refused with a message saying so; a time that happens twice (fall back)
    /// means its first occurrence, daylight time, and the result says it was ambiguous.
    /// </summary>
    public ClinicTimeInput ParseInput(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return ClinicTimeInput.Invalid("Enter a date and time.");
        }

        var parsed = InputMinutes.Parse(value.Trim());
        if (!parsed.Success)
        {
            parsed = InputSeconds.Parse(value.Trim());
        }

        if (!parsed.Success)
        {
            return ClinicTimeInput.Invalid("Enter a date and time such as 2026-12-01T10:00.");
        }

        var local = parsed.Value;
        var mapping = Zone.MapLocal(local);
        return mapping.Count switch
        {
            1 => new ClinicTimeInput(mapping.Single().ToDateTimeOffset(), null, false),
            0 => ClinicTimeInput.Invalid(
                $"{DayAndTime(local)} does not exist in {ZoneName}: the clocks go forward then. Choose another time."),
            _ => new ClinicTimeInput(mapping.First().ToDateTimeOffset(), null, true),
        };
    }

    /// <summary>The instant a datetime-local value typed in clinic time means, or null when it is not one or the clocks skip it.</summary>
    public DateTimeOffset? FromLocal(string? value) => ParseInput(value).Value;

    /// <summary>The instant a local date and time in the clinic means; a skipped time moves forward by the gap, a repeated one is its first occurrence.</summary>
    public DateTimeOffset AtLocal(LocalDateTime local) => Zone.AtLeniently(local).ToDateTimeOffset();

    private static string DayAndTime(LocalDateTime local)
    {
        var hour = local.Hour % 12 == 0 ? 12 : local.Hour % 12;
        var half = local.Hour < 12 ? "a.m." : "p.m.";
        var date = local.Date.ToString("dddd d MMMM", CultureInfo.InvariantCulture);
        return $"{date}, {hour}:{local.Minute:00} {half}";
    }

    private static string Abbreviation(ZonedDateTime local) => local.GetZoneInterval().Name;
}

/// <summary>A datetime-local value read in clinic time: the instant, or why it was refused.</summary>
/// <param name="Ambiguous">The time happens twice (the clocks go back); <paramref name="Value"/> is the first.</param>
internal sealed record ClinicTimeInput(DateTimeOffset? Value, string? Error, bool Ambiguous)
{
    public static ClinicTimeInput Invalid(string error) => new(null, error, false);
}
