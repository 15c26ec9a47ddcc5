using System.Globalization;

namespace Clinic.Modules.Notifications.Email;

/// <summary>
/// A time as staff read it in an e-mail: on the clinic's wall clock, named, with UTC beside it for whoever is on call
/// elsewhere (the request's page shows the same wall-clock time).
/// </summary>
internal static class ClinicWallClock
{
    public static string Describe(DateTimeOffset instant, NotificationsOptions options)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var utc = instant.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture, $"{local:dddd d MMMM yyyy, HH:mm} {options.TimeZoneName} ({utc:HH:mm} UTC)");
    }
}
