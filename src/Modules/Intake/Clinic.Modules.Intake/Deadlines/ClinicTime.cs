using System.Globalization;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Deadlines;

/// <summary>
/// Times as people at the clinic read and type them: in the clinic's own zone (Intake:ResponsePolicy:TimeZone),
/// never UTC. Stored instants stay UTC; only what is shown or entered is local.
/// </summary>
internal sealed class ClinicTime(IOptions<ResponsePolicyOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public string ZoneName => _zone.Id;

    /// <summary>Date and time to the second, e.g. "2026-12-01 10:40:05".</summary>
    public string Format(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Date and time to the minute, e.g. "2026-12-01 10:40".</summary>
    public string FormatShort(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// A datetime-local value ("2026-12-01T10:40") read as clinic time. Null when it is not a date and time, or
    /// names a time the clocks skip (spring forward); in the hour that repeats (fall back) the first one is meant.
    /// </summary>
    public DateTimeOffset? FromLocal(string? datetimeLocal)
    {
        if (!DateTime.TryParseExact(datetimeLocal?.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.fff"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) || _zone.IsInvalidTime(local))
        {
            return null;
        }

        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).DateTime;
}
