using Clinic.Modules.Intake.OnCall;
using NodaTime;
using static Clinic.UnitTests.Deadlines.PolicyFixture;

namespace Clinic.UnitTests.OnCall;

/// <summary>Who is on call (an override wins over the rotation) and who takes over next, in America/New_York.</summary>
public sealed class OnCallResolutionTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private static readonly OnCallPerson Alice = new("Alice Ng", "alice@clinic.example");
    private static readonly OnCallPerson Bob = new("Bob Ortiz", "bob@clinic.example");
    private static readonly OnCallPerson Carol = new("Carol Diaz", "carol@clinic.example");
    private static readonly OnCallPerson Lead = new("Lee Park", "lead@clinic.example");
    private static readonly string[] Fallback = ["desk@clinic.example"];

    /// <summary>Alice from Monday 09:00, Bob from Friday 17:00 over the weekend.</summary>
    private static OnCallSchedule Weekly() => new()
    {
        Rotation = [new(DayOfWeek.Friday, new TimeOnly(17, 0), Bob), new(DayOfWeek.Monday, new TimeOnly(9, 0), Alice)],
        Lead = Lead,
    };

    [Fact]
    public void The_last_hand_over_of_the_week_lasts_until_the_first_of_the_next()
    {
        var mondayMorning = Eastern("2026-12-07T08:59", "-05:00");

        Assert.Equal(Bob, OnCallResolution.OnCallAt(Weekly(), mondayMorning, NewYork)!.Person);
        var next = OnCallResolution.NextAfter(Weekly(), mondayMorning, NewYork)!;
        Assert.Equal((Alice, Eastern("2026-12-07T09:00", "-05:00")), (next.Person, next.From));
    }

    [Fact]
    public void A_hand_over_takes_effect_at_its_minute()
    {
        var shift = OnCallResolution.OnCallAt(Weekly(), Eastern("2026-12-04T17:00", "-05:00"), NewYork)!;

        Assert.Equal(Bob, shift.Person);
        Assert.Equal(Eastern("2026-12-07T09:00", "-05:00"), shift.Until);
        Assert.Equal(Alice, OnCallResolution.OnCallAt(Weekly(), Eastern("2026-12-04T16:59", "-05:00"), NewYork)!.Person);
    }

    [Fact]
    public void An_override_wins_over_the_rotation_and_ends_at_its_end()
    {
        var schedule = Weekly();
        schedule.Overrides.Add(new(Eastern("2026-12-24T17:00", "-05:00"), Eastern("2026-12-28T09:00", "-05:00"), Carol, "Holiday cover"));
        var christmas = Eastern("2026-12-25T12:00", "-05:00");

        var shift = OnCallResolution.OnCallAt(schedule, christmas, NewYork)!;
        Assert.Equal((Carol, "Holiday cover"), (shift.Person, shift.Reason));
        // Bob's Friday hand-over falls inside the cover: next is Alice, when the cover ends.
        var next = OnCallResolution.NextAfter(schedule, christmas, NewYork)!;
        Assert.Equal((Alice, Eastern("2026-12-28T09:00", "-05:00")), (next.Person, next.From));
        Assert.Equal(Carol, OnCallResolution.NextAfter(schedule, Eastern("2026-12-24T12:00", "-05:00"), NewYork)!.Person);
    }

    [Fact]
    public void A_swap_inside_a_cover_wins_over_the_cover()
    {
        var schedule = Weekly();
        schedule.Overrides.Add(new(Eastern("2026-12-24T17:00", "-05:00"), Eastern("2026-12-28T09:00", "-05:00"), Carol, "Holiday cover"));
        schedule.Overrides.Add(new(Eastern("2026-12-25T08:00", "-05:00"), Eastern("2026-12-25T20:00", "-05:00"), Bob, "Swap with Carol"));

        Assert.Equal(Bob, OnCallResolution.OnCallAt(schedule, Eastern("2026-12-25T12:00", "-05:00"), NewYork)!.Person);
        Assert.Equal(Carol, OnCallResolution.OnCallAt(schedule, Eastern("2026-12-25T20:00", "-05:00"), NewYork)!.Person);
    }

    [Fact]
    public void Hand_overs_keep_their_local_time_across_daylight_saving_changes()
    {
        var schedule = new OnCallSchedule
        {
            Rotation = [new(DayOfWeek.Sunday, new TimeOnly(2, 30), Alice), new(DayOfWeek.Wednesday, new TimeOnly(9, 0), Bob)],
        };

        // 02:30 does not exist on 8 March 2026: the hand-over happens when the clocks reach 03:30 EDT.
        Assert.Equal(Bob, OnCallResolution.OnCallAt(schedule, Eastern("2026-03-08T03:29", "-04:00"), NewYork)!.Person);
        Assert.Equal(Alice, OnCallResolution.OnCallAt(schedule, Eastern("2026-03-08T03:30", "-04:00"), NewYork)!.Person);
        // After the change, Wednesday 09:00 is EDT.
        Assert.Equal(Eastern("2026-03-11T09:00", "-04:00"), OnCallResolution.NextAfter(schedule, Eastern("2026-03-08T12:00", "-04:00"), NewYork)!.From);
        // 01:30 happens twice on 1 November 2026; a 01:30 hand-over is at the first.
        schedule.Rotation[0] = new(DayOfWeek.Sunday, new TimeOnly(1, 30), Alice);
        Assert.Equal(Alice, OnCallResolution.OnCallAt(schedule, Eastern("2026-11-01T01:30", "-04:00"), NewYork)!.Person);
        Assert.Equal(Bob, OnCallResolution.OnCallAt(schedule, Eastern("2026-11-01T01:29", "-04:00"), NewYork)!.Person);
    }

    [Fact]
    public void Roster_resolves_each_target_without_repeats_and_keeps_literal_addresses()
    {
        var at = Eastern("2026-12-05T12:00", "-05:00");

        var recipients = ScheduleRoster.Resolve(Weekly(), ["on-call", "next-on-call", "clinic-lead", "BOB@clinic.example", "director@clinic.example"], at, NewYork, Fallback);

        Assert.Equal(["bob@clinic.example", "alice@clinic.example", "lead@clinic.example", "director@clinic.example"], recipients);
    }

    [Fact]
    public void Roster_falls_back_when_the_schedule_names_nobody()
    {
        var at = Eastern("2026-12-05T12:00", "-05:00");

        Assert.Equal(Fallback, ScheduleRoster.Resolve(new OnCallSchedule(), ["on-call", "next-on-call", "clinic-lead"], at, NewYork, Fallback));
        // One person all week: there is nobody "next", so the fallback stands in for that role beside the one on call.
        var alone = new OnCallSchedule { Rotation = [new(DayOfWeek.Monday, new TimeOnly(9, 0), Alice)] };
        Assert.Equal(["alice@clinic.example", .. Fallback], ScheduleRoster.Resolve(alone, ["on-call", "next-on-call"], at, NewYork, Fallback));
        Assert.Equal(Fallback, ScheduleRoster.Resolve(alone, ["next-on-call", "clinic-lead"], at, NewYork, Fallback));
    }

    [Fact]
    public void A_role_the_schedule_leaves_empty_goes_to_the_fallback_even_when_a_named_address_is_alerted()
    {
        var at = Eastern("2026-12-05T12:00", "-05:00");

        // No schedule yet, a step naming the on-call person and the director: the director alone would leave the
        // on-call role unalerted.
        Assert.Equal(["desk@clinic.example", "director@clinic.example"],
            ScheduleRoster.Resolve(new OnCallSchedule(), ["on-call", "director@clinic.example"], at, NewYork, Fallback));
    }
}
