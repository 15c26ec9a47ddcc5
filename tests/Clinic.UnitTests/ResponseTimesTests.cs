using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Intake.ResponseTimes;

namespace Clinic.UnitTests;

/// <summary>The response-time page's arithmetic: percentiles, deadlines met, clinic weeks and the CSV.</summary>
public sealed class ResponseTimesTests
{
    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    [Fact]
    public void An_empty_week_has_no_percentile_rather_than_zero()
    {
        Assert.Null(ResponseStatistics.Percentile([], 50));
        Assert.Null(ResponseStatistics.Percentile([], 90));
    }

    [Fact]
    public void One_value_is_every_percentile()
    {
        Assert.Equal(Min(7), ResponseStatistics.Percentile([Min(7)], 50));
        Assert.Equal(Min(7), ResponseStatistics.Percentile([Min(7)], 90));
    }

    [Fact]
    public void An_odd_count_has_its_middle_value_as_median()
    {
        Assert.Equal(Min(5), ResponseStatistics.Percentile([Min(9), Min(1), Min(5)], 50));
    }

    [Fact]
    public void An_even_count_has_the_mean_of_the_middle_two_as_median()
    {
        Assert.Equal(Min(4), ResponseStatistics.Percentile([Min(10), Min(1), Min(3), Min(5)], 50));
    }

    [Fact]
    public void The_90th_percentile_interpolates_between_ranks_like_a_spreadsheet()
    {
        // PERCENTILE.INC({1..10}, 0.9) = 9.1; of {1, 2} = 1.9.
        Assert.Equal(Min(9.1), ResponseStatistics.Percentile(Enumerable.Range(1, 10).Select(i => Min(i)), 90));
        Assert.Equal(Min(1.9), ResponseStatistics.Percentile([Min(2), Min(1)], 90));
        Assert.Equal(Min(10), ResponseStatistics.Percentile(Enumerable.Range(1, 10).Select(i => Min(i)), 100));
    }

    private static readonly DateTimeOffset Due = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(-1, null, "Met")]
    [InlineData(0, null, "Met")]
    [InlineData(1, null, "Missed")]
    [InlineData(null, 1, "Missed")]
    [InlineData(null, 0, "NotYetDue")]
    [InlineData(null, -1, "NotYetDue")]
    public void A_deadline_is_met_up_to_and_including_its_due_time_and_missed_when_open_past_it(int? metMinutesAfterDue, int? nowMinutesAfterDue, string outcome)
    {
        var expected = Enum.Parse<DeadlineOutcome>(outcome);
        var now = Due.AddMinutes(nowMinutesAfterDue ?? 60);
        DateTimeOffset? metAt = metMinutesAfterDue is { } m ? Due.AddMinutes(m) : null;
        Assert.Equal(expected, ResponseStatistics.Outcome(Due, metAt, now));
    }

    [Fact]
    public void A_request_without_deadlines_is_not_counted()
    {
        Assert.Equal(DeadlineOutcome.NoDeadline, ResponseStatistics.Outcome(null, null, Due));
        Assert.Equal(new DeadlineShare(0, 0), new DeadlineShare().Add(DeadlineOutcome.NoDeadline).Add(DeadlineOutcome.NotYetDue));
        Assert.Null(new DeadlineShare().Fraction);
    }

    private static readonly ClinicWeeks NewYork = ClinicWeeks.For("America/New_York");

    [Fact]
    public void Weeks_start_on_monday_at_midnight_in_the_clinics_zone()
    {
        // Monday 30 November 2026, 03:00 UTC is still Sunday evening in New York.
        Assert.Equal(new DateOnly(2026, 11, 23), NewYork.WeekOf(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 11, 30), NewYork.WeekOf(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero), NewYork.StartOf(new DateOnly(2026, 11, 30)));
        // The week after the clocks go back starts at 04:00 UTC before the change and 05:00 after it.
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 4, 0, 0, TimeSpan.Zero), NewYork.StartOf(new DateOnly(2026, 10, 26)));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 5, 0, 0, TimeSpan.Zero), NewYork.StartOf(new DateOnly(2026, 11, 2)));
    }

    [Fact]
    public void The_last_weeks_run_oldest_first_up_to_the_current_one()
    {
        var weeks = NewYork.Last(3, new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal([new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 30)], weeks);
    }

    private static ResponseRecord Record(DateTimeOffset entered, bool urgent = false, double? acknowledged = null, double? contacted = null, double? finished = null, int escalations = 0)
    {
        var record = new ResponseRecord
        {
            Id = Guid.NewGuid(),
            EnteredFlowAt = entered,
            IsUrgent = urgent,
            AcknowledgeBy = entered.AddMinutes(urgent ? 15 : 240),
            FirstContactBy = entered.AddMinutes(urgent ? 60 : 480),
            EscalationsRaised = escalations,
        };
        if (acknowledged is { } a)
        {
            record.AcknowledgedAt = entered.AddMinutes(a);
        }

        if (contacted is { } c)
        {
            record.FirstContactAt = record.FirstContactDeadlineMetAt = entered.AddMinutes(c);
            record.AcknowledgedAt ??= record.FirstContactAt;
        }

        if (finished is { } f)
        {
            record.FirstContactDeadlineMetAt ??= entered.AddMinutes(f);
            record.AcknowledgedAt ??= entered.AddMinutes(f);
        }

        return record;
    }

    [Fact]
    public void A_week_counts_its_requests_times_deadlines_and_escalations_per_priority()
    {
        var monday = NewYork.StartOf(new DateOnly(2026, 11, 23));
        var now = monday.AddDays(7).AddHours(10);
        var records = new[]
        {
            Record(monday.AddHours(10), urgent: true, acknowledged: 10, contacted: 30),
            Record(monday.AddHours(11), urgent: true, acknowledged: 20, contacted: 90, escalations: 1),
            Record(monday.AddHours(12), urgent: true, escalations: 2),                    // never answered: both missed
            Record(monday.AddHours(13), acknowledged: 60, finished: 120),                 // declined without contact
            Record(monday.AddDays(7).AddHours(9)),                                        // next week, still due: not counted
            Record(monday.AddDays(-1)),                                                   // before the range
        };

        var figures = ResponseTimesReport.Build(records, [new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 30)], NewYork, now);

        var urgent = figures.Single(f => f.WeekStarting == new DateOnly(2026, 11, 23) && f.Urgent);
        Assert.Equal(3, urgent.Requests);
        Assert.Equal(Min(15), urgent.AcknowledgeMedian);
        Assert.Equal(Min(19), urgent.AcknowledgeP90);
        Assert.Equal(new DeadlineShare(1, 3), urgent.Acknowledge);
        Assert.Equal(Min(60), urgent.FirstContactMedian);
        Assert.Equal(new DeadlineShare(1, 3), urgent.FirstContact);
        Assert.Equal(3, urgent.Escalations);

        var routine = figures.Single(f => f.WeekStarting == new DateOnly(2026, 11, 23) && !f.Urgent);
        Assert.Equal(1, routine.Requests);
        Assert.Equal(Min(60), routine.AcknowledgeMedian);
        Assert.Null(routine.FirstContactMedian);
        Assert.Equal(new DeadlineShare(1, 1), routine.FirstContact);

        var nextRoutine = figures.Single(f => f.WeekStarting == new DateOnly(2026, 11, 30) && !f.Urgent);
        Assert.Equal(1, nextRoutine.Requests);
        Assert.Equal(new DeadlineShare(0, 0), nextRoutine.Acknowledge);
        Assert.Equal(4, figures.Count);
    }

    [Fact]
    public void The_csv_has_one_line_per_week_and_priority_with_times_in_minutes()
    {
        var figures = new[]
        {
            new WeekFigures(new DateOnly(2026, 11, 23), true, 3, Min(15), Min(19), new(1, 3), Min(60), Min(84), new(1, 3), 3),
            new WeekFigures(new DateOnly(2026, 11, 23), false, 0, null, null, new(0, 0), null, null, new(0, 0), 0),
        };

        var lines = ResponseTimesCsv.Write(figures).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(ResponseTimesCsv.Header, lines[0]);
        Assert.Equal("2026-11-23,urgent,3,15,19,1,3,33.3,60,84,1,3,33.3,3", lines[1]);
        Assert.Equal("2026-11-23,routine,0,,,0,0,,,,0,0,,0", lines[2]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("-1", "'-1")]
    [InlineData("@sum", "'@sum")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("routine", "routine")]
    public void A_csv_cell_never_starts_a_formula(string value, string expected) =>
        Assert.Equal(expected, ResponseTimesCsv.Cell(value));

    [Fact]
    public void The_chart_draws_one_bar_per_week_and_priority_with_counted_deadlines()
    {
        var figures = new[]
        {
            new WeekFigures(new DateOnly(2026, 11, 23), true, 2, null, null, new(1, 2), null, null, new(1, 2), 0),
            new WeekFigures(new DateOnly(2026, 11, 23), false, 0, null, null, new(0, 0), null, null, new(0, 0), 0),
        };

        var bar = Assert.Single(new ResponseTimesChart(figures).Bars);

        Assert.Equal((ResponseTimesChart.Bottom - ResponseTimesChart.Top) / 2, bar.Height, 0.5);
        Assert.Contains("2 of 4 (50%)", bar.Label, StringComparison.Ordinal);
    }
}
