using System.Globalization;

namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>How the page and the CSV write the figures: the page for people, the CSV for spreadsheets.</summary>
internal static class ResponseTimesFormat
{
    /// <summary>"—" for none, then minutes, hours and minutes, or days and hours.</summary>
    public static string Duration(TimeSpan? value) => value switch
    {
        null => "—",
        { TotalMinutes: < 1 } v => string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:0} s"),
        { TotalHours: < 1 } v => string.Create(CultureInfo.InvariantCulture, $"{(int)v.TotalMinutes} min"),
        { TotalHours: < 48 } v => string.Create(CultureInfo.InvariantCulture, $"{(int)v.TotalHours} h {v.Minutes:00} min"),
        { } v => string.Create(CultureInfo.InvariantCulture, $"{v.Days} d {v.Hours} h"),
    };

    /// <summary>"3 of 4 (75%)", or "—" when no deadline counted.</summary>
    public static string Share(DeadlineShare share) => share.Fraction is { } fraction
        ? string.Create(CultureInfo.InvariantCulture, $"{share.Met} of {share.Counted} ({fraction:0%})")
        : "—";

    public static string Minutes(TimeSpan? value) => value is { } v ? v.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) : "";

    public static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.#", CultureInfo.InvariantCulture) : "";
}
