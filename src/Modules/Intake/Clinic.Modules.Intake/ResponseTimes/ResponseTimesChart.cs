using System.Globalization;

namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>
/// The geometry of the page's bar chart (share of deadlines met per week, urgent beside routine), computed here
/// so the view only draws it: plain SVG, no script. The table under it is the accessible source of the numbers.
/// </summary>
internal sealed class ResponseTimesChart
{
    public const int Width = 720;
    public const int Height = 260;
    public const double Left = 48;
    public const double Right = 710;
    public const double Top = 16;
    public const double Bottom = 210;
    public const string UrgentColour = "#a3231a";
    public const string RoutineColour = "#1f5fa8";

    public sealed record Bar(double X, double Y, double Width, double Height, string Colour, string Label);

    public sealed record Tick(double Position, string Text);

    public IReadOnlyList<Bar> Bars { get; }

    public IReadOnlyList<Tick> WeekLabels { get; }

    public IReadOnlyList<Tick> PercentLines { get; } = [.. new[] { 0, 50, 100 }.Select(p => new Tick(YFor(p / 100.0), $"{p}%"))];

    public ResponseTimesChart(IReadOnlyList<WeekFigures> figures)
    {
        var weeks = figures.Select(f => f.WeekStarting).Distinct().Order().ToList();
        var slot = (Right - Left) / Math.Max(weeks.Count, 1);
        var barWidth = slot * 0.38;
        var every = (int)Math.Ceiling(weeks.Count / 12.0);
        var bars = new List<Bar>();
        foreach (var f in figures)
        {
            if (f.AllDeadlines.Fraction is not { } met)
            {
                continue;
            }

            var x = Left + (weeks.IndexOf(f.WeekStarting) * slot) + (slot * 0.1) + (f.Urgent ? 0 : barWidth);
            var y = YFor(met);
            bars.Add(new Bar(Round(x), Round(y), Round(barWidth), Round(Bottom - y), f.Urgent ? UrgentColour : RoutineColour,
                string.Create(CultureInfo.InvariantCulture, $"Week of {f.WeekStarting:yyyy-MM-dd}, {f.Priority}: {ResponseTimesFormat.Share(f.AllDeadlines)} deadlines met")));
        }

        Bars = bars;
        WeekLabels = [.. weeks.Select((w, i) => (w, i)).Where(p => p.i % every == 0)
            .Select(p => new Tick(Round(Left + (p.i * slot) + (slot / 2)), p.w.ToString("MMM d", CultureInfo.InvariantCulture)))];
    }

    private static double YFor(double fraction) => Round(Bottom - (fraction * (Bottom - Top)));

    private static double Round(double value) => Math.Round(value, 1);

    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
