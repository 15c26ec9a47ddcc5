namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>Percentiles, the one way the response-time page and its CSV compute them.</summary>
internal static class ResponseStatistics
{
    /// <summary>
    /// The <paramref name="percent"/>th percentile by linear interpolation between closest ranks (the method of
    /// spreadsheets' PERCENTILE.INC): the median of an even count is the mean of the middle two. None for no values.
    /// </summary>
    public static TimeSpan? Percentile(IEnumerable<TimeSpan> values, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var sorted = values.Select(v => v.Ticks).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var rank = percent / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var ticks = sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
        return TimeSpan.FromTicks((long)Math.Round(ticks, MidpointRounding.AwayFromZero));
    }

    /// <summary>Whether a deadline was met, counting an action exactly at the deadline as in time.</summary>
    public static DeadlineOutcome Outcome(DateTimeOffset? due, DateTimeOffset? metAt, DateTimeOffset now) => (due, metAt) switch
    {
        (null, _) => DeadlineOutcome.NoDeadline,
        ({ } d, { } m) => m <= d ? DeadlineOutcome.Met : DeadlineOutcome.Missed,
        ({ } d, null) => now > d ? DeadlineOutcome.Missed : DeadlineOutcome.NotYetDue,
    };
}

internal enum DeadlineOutcome
{
    /// <summary>The request has no such deadline (it arrived before deadlines existed): not counted.</summary>
    NoDeadline,

    /// <summary>Still open and its deadline is still ahead: not counted either way yet.</summary>
    NotYetDue,

    Met,

    /// <summary>Met late, or still open past its deadline.</summary>
    Missed,
}

/// <summary>How many of the deadlines counted were met.</summary>
internal readonly record struct DeadlineShare(int Met, int Counted)
{
    /// <summary>Met ÷ counted, or none when no deadline counted.</summary>
    public double? Fraction => Counted == 0 ? null : (double)Met / Counted;

    public DeadlineShare Add(DeadlineOutcome outcome) => outcome switch
    {
        DeadlineOutcome.Met => new(Met + 1, Counted + 1),
        DeadlineOutcome.Missed => new(Met, Counted + 1),
        _ => this,
    };

    public static DeadlineShare operator +(DeadlineShare a, DeadlineShare b) => new(a.Met + b.Met, a.Counted + b.Counted);
}
