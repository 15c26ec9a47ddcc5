using static Clinic.UnitTests.Deadlines.PolicyFixture;

namespace Clinic.UnitTests.Deadlines;

/// <summary>Deadlines in the clinic's own time (America/New_York by default), business hours Monday to Friday 09:00–17:00.</summary>
public sealed class ResponsePolicyTests
{
    private static readonly (string, string)[] OneBusinessHour = [("Routine:Acknowledge:Within", "01:00:00"), ("Routine:Acknowledge:Clock", "BusinessHours")];

    [Fact]
    public void Routine_inside_business_hours_counts_only_clinic_time()
    {
        var deadlines = Policy().DeadlinesFor(urgent: false, Eastern("2026-12-01T10:00", "-05:00"));

        Assert.Equal(Eastern("2026-12-01T14:00", "-05:00"), deadlines.AcknowledgeBy);
        // Eight business hours: the same time the next working day.
        Assert.Equal(Eastern("2026-12-02T10:00", "-05:00"), deadlines.FirstContactBy);
        Assert.Equal("routine", deadlines.Policy);
    }

    [Fact]
    public void Friday_afternoon_request_is_due_on_Monday_morning()
    {
        var deadlines = Policy(OneBusinessHour).DeadlinesFor(urgent: false, Eastern("2026-12-04T16:30", "-05:00"));

        Assert.Equal(Eastern("2026-12-07T09:30", "-05:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Request_before_opening_starts_counting_at_opening()
    {
        var deadlines = Policy().DeadlinesFor(urgent: false, Eastern("2026-12-01T07:00", "-05:00"));

        Assert.Equal(Eastern("2026-12-01T13:00", "-05:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Weekend_request_starts_counting_on_Monday()
    {
        var deadlines = Policy().DeadlinesFor(urgent: false, Eastern("2026-12-05T10:00", "-05:00"));

        Assert.Equal(Eastern("2026-12-07T13:00", "-05:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Deadline_that_uses_up_the_day_is_due_at_closing_time_not_the_next_morning()
    {
        var deadlines = Policy().DeadlinesFor(urgent: false, Eastern("2026-12-01T13:00", "-05:00"));

        Assert.Equal(Eastern("2026-12-01T17:00", "-05:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Request_at_closing_time_starts_counting_the_next_working_day()
    {
        var deadlines = Policy(OneBusinessHour).DeadlinesFor(urgent: false, Eastern("2026-12-01T17:00", "-05:00"));

        Assert.Equal(Eastern("2026-12-02T10:00", "-05:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Holiday_is_skipped_like_a_weekend()
    {
        var policy = Policy([.. OneBusinessHour, ("Holidays:0", "2026-12-25")]);

        // Thursday 16:30, Friday is Christmas: half an hour on Thursday, the rest on Monday.
        Assert.Equal(Eastern("2026-12-28T09:30", "-05:00"), policy.DeadlinesFor(false, Eastern("2026-12-24T16:30", "-05:00")).AcknowledgeBy);
        // Submitted on the holiday itself: the next working day.
        Assert.Equal(Eastern("2026-12-28T10:00", "-05:00"), policy.DeadlinesFor(false, Eastern("2026-12-25T10:00", "-05:00")).AcknowledgeBy);
    }

    [Fact]
    public void Urgent_counts_every_minute_while_routine_waits_for_business_hours()
    {
        var policy = Policy();
        var saturdayNight = Eastern("2026-12-05T02:00", "-05:00");

        var urgent = policy.DeadlinesFor(urgent: true, saturdayNight);
        var routine = policy.DeadlinesFor(urgent: false, saturdayNight);

        Assert.Equal(saturdayNight.AddMinutes(15), urgent.AcknowledgeBy);
        Assert.Equal(saturdayNight.AddHours(1), urgent.FirstContactBy);
        Assert.Equal("urgent", urgent.Policy);
        Assert.Equal(Eastern("2026-12-07T13:00", "-05:00"), routine.AcknowledgeBy);
        Assert.Equal(saturdayNight, urgent.SetAt);
    }

    [Fact]
    public void Business_hours_across_spring_forward_are_kept_in_local_time()
    {
        // Friday 16:00 EST, four business hours: one on Friday, three on Monday 9 March, which is on EDT.
        var deadlines = Policy().DeadlinesFor(urgent: false, Eastern("2026-03-06T16:00", "-05:00"));

        Assert.Equal(Eastern("2026-03-09T12:00", "-04:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Business_day_shortened_by_spring_forward_has_an_hour_less()
    {
        // A clinic open every day 01:00–05:00: on 8 March 2026 that is only three hours (02:00 is skipped).
        var policy = Policy([.. EveryDay, ("BusinessHours:Opens", "01:00"), ("BusinessHours:Closes", "05:00"), ("Routine:Acknowledge:Within", "04:00:00")]);

        var deadlines = policy.DeadlinesFor(urgent: false, Eastern("2026-03-08T01:00", "-05:00"));

        Assert.Equal(Eastern("2026-03-09T02:00", "-04:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Business_day_lengthened_by_fall_back_has_an_hour_more()
    {
        // On 1 November 2026, 01:00 EDT to 05:00 EST is five hours: four business hours end at 04:00 EST.
        var policy = Policy([.. EveryDay, ("BusinessHours:Opens", "01:00"), ("BusinessHours:Closes", "05:00"), ("Routine:Acknowledge:Within", "04:00:00")]);

        var deadlines = policy.DeadlinesFor(urgent: false, Eastern("2026-11-01T01:00", "-04:00"));

        Assert.Equal(Eastern("2026-11-01T04:00", "-05:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Always_clock_across_spring_forward_is_elapsed_time()
    {
        var deadlines = Policy().DeadlinesFor(urgent: true, Eastern("2026-03-08T01:50", "-05:00"));

        Assert.Equal(Eastern("2026-03-08T03:05", "-04:00"), deadlines.AcknowledgeBy);
    }

    [Fact]
    public void Clinic_in_another_zone_counts_its_own_hours()
    {
        var policy = Policy([("TimeZone", "America/Los_Angeles"), .. OneBusinessHour]);

        // 17:30 in New York is 14:30 in Los Angeles: still open there.
        Assert.Equal(Eastern("2026-12-01T18:30", "-05:00"), policy.DeadlinesFor(false, Eastern("2026-12-01T17:30", "-05:00")).AcknowledgeBy);
    }

    [Fact]
    public void Escalation_chain_is_the_configured_one()
    {
        var chain = Policy(("Urgent:Escalation:0:After", "00:05:00"), ("Urgent:Escalation:0:Notify:0", "on-call")).EscalationFor(urgent: true);

        var step = Assert.Single(chain);
        Assert.Equal(TimeSpan.FromMinutes(5), step.After);
        Assert.Equal(["on-call"], step.Notify);
    }

    private static readonly (string, string)[] EveryDay =
        [.. Enum.GetValues<DayOfWeek>().Select((d, i) => ($"BusinessHours:Days:{i}", d.ToString()))];
}
