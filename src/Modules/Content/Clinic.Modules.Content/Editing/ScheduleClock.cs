using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Text;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// The clinic's wall clock for scheduling publications: times are typed and shown in the clinic's zone (the one
/// setting every staff page uses, Intake:ResponsePolicy:TimeZone) and stored as UTC instants. A time the clocks
/// skip is refused; one they repeat means its first occurrence, as on the on-call form.
/// </summary>
internal sealed class ScheduleClock(IConfiguration configuration)
{
    private static readonly LocalDateTimePattern InputMinutes = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm");
    private static readonly LocalDateTimePattern InputSeconds = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss");

    public string ZoneId => configuration["Intake:ResponsePolicy:TimeZone"] is { Length: > 0 } id && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not null
        ? id
        : "America/New_York";

    private DateTimeZone Zone => DateTimeZoneProviders.Tzdb[ZoneId];

    /// <summary>"2026-12-01 10:00 EST".</summary>
    public string Format(DateTimeOffset at)
    {
        var local = Instant.FromDateTimeOffset(at).InZone(Zone);
        return $"{local.LocalDateTime.ToString("uuuu'-'MM'-'dd HH':'mm", CultureInfo.InvariantCulture)} {local.GetZoneInterval().Name}";
    }

    /// <summary>The value a datetime-local input shows for this instant.</summary>
    public string ToInput(DateTimeOffset at) => InputMinutes.Format(Instant.FromDateTimeOffset(at).InZone(Zone).LocalDateTime);

    /// <summary>The instant a datetime-local value typed in clinic time means, or why it means none.</summary>
    public (DateTimeOffset? At, string? Error) Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, "Enter a date and time.");
        }

        var parsed = InputMinutes.Parse(value.Trim());
        if (!parsed.Success)
        {
            parsed = InputSeconds.Parse(value.Trim());
        }

        if (!parsed.Success)
        {
            return (null, "Enter a date and time such as 2026-12-01T10:00.");
        }

        var mapping = Zone.MapLocal(parsed.Value);
        return mapping.Count == 0
            ? (null, $"{InputMinutes.Format(parsed.Value).Replace('T', ' ')} does not exist in {ZoneId}: the clocks go forward then. Choose another time.")
            : (mapping.First().ToDateTimeOffset(), null);
    }
}
