using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Intake.Triage;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

/// <summary>Each request's next deadline as the inbox keeps it and the request page shows it, and times in the clinic's zone.</summary>
public sealed class InboxDeadlineTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);
    private static readonly ResponseDeadlinesSet Deadlines = new(At.AddMinutes(15), At.AddHours(1), "urgent", At);

    private static InboxEntry Submitted() => InboxEntry.Create(new RequestSubmitted(
        Guid.NewGuid(), "KC-7F3KQ-9XDMA", new ContactRequest("Dana", "Rivera", "d@example.com", "555", "phone", "ptsd", "evening", null, false), "v1", "web", "f", At));

    [Fact]
    public void The_inbox_keeps_the_earliest_deadline_not_yet_met_and_none_once_the_request_is_closed()
    {
        var entry = Submitted();
        Assert.Null(entry.DueAt);

        entry.Apply(Deadlines);
        Assert.Equal((Deadlines.AcknowledgeBy, DeadlineKinds.Acknowledge), (entry.DueAt, entry.DueDeadline));

        entry.Apply(new RequestAcknowledged("sam", At.AddMinutes(5)));
        Assert.Equal((Deadlines.FirstContactBy, DeadlineKinds.FirstContact), (entry.DueAt, entry.DueDeadline));

        entry.Apply(new EscalationRaised(DeadlineKinds.FirstContact, 2, ["on-call@clinic.test"], Deadlines.FirstContactBy, At.AddHours(2)));
        Assert.Equal((1, 2), (entry.Escalations, entry.LastEscalationStep));

        entry.Apply(new RequestClosed("sam", At.AddHours(3)));
        Assert.Null(entry.DueAt);
        Assert.False(entry.IsOpen);
    }

    [Fact]
    public void A_contact_attempt_meets_both_deadlines_and_an_action_before_the_deadlines_were_set_still_counts()
    {
        var contacted = Submitted();
        contacted.Apply(Deadlines);
        contacted.Apply(new ContactAttempted("no-answer", "sam", At.AddMinutes(1)));
        Assert.Null(contacted.DueAt);
        Assert.True(contacted.IsOpen);

        // Acknowledged in the spam folder, then restored: only first contact is still owed.
        var progress = DeadlineProgress.From([new RequestAcknowledged("sam", At), Deadlines]);
        Assert.Equal((DeadlineKinds.FirstContact, Deadlines.FirstContactBy), progress.Next);
    }

    [Theory]
    [InlineData(12 * 60, "due in 12 min")]
    [InlineData(30, "due in under a minute")]
    [InlineData(-3 * 3600, "overdue by 3 h")]
    [InlineData(-(3 * 3600 + 5 * 60 + 20), "overdue by 3 h 5 min")]
    [InlineData(3 * 86400, "due in 3 days")]
    [InlineData(-(2 * 86400 + 7 * 3600), "overdue by 2 days 7 h")]
    public void Due_text_says_how_long_until_or_since_the_deadline(int seconds, string expected) =>
        Assert.Equal(expected, DeadlineProgress.DueText(At.AddSeconds(seconds), At));

    private static readonly ClinicTime NewYork = Clinic.UnitTests.Deadlines.PolicyFixture.Clock(("TimeZone", "America/New_York"));

    [Theory]
    [InlineData("2027-07-04T10:30", "2027-07-04T14:30:00Z")] // summer: UTC−4
    [InlineData("2027-01-15T09:00", "2027-01-15T14:00:00Z")] // winter: UTC−5
    [InlineData(" 2027-01-15T09:00:30 ", "2027-01-15T14:00:30Z")]
    [InlineData("2026-11-01T01:30", "2026-11-01T05:30:00Z")] // the hour that repeats: the first one
    public void A_time_typed_in_the_clinic_zone_is_the_right_instant(string typed, string instant) =>
        Assert.Equal(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), NewYork.FromLocal(typed));

    [Theory]
    [InlineData("2027-03-14T02:30")] // the clocks skip it
    [InlineData("tomorrow at ten")]
    [InlineData("")]
    [InlineData(null)]
    public void A_time_that_does_not_exist_or_is_not_a_time_is_refused(string? typed) => Assert.Null(NewYork.FromLocal(typed));

    [Fact]
    public void Times_are_shown_on_the_clinic_clock()
    {
        Assert.Equal("2026-12-01 10:40:05", NewYork.FormatTableSeconds(new DateTimeOffset(2026, 12, 1, 15, 40, 5, TimeSpan.Zero)));
        Assert.Equal("2026-07-01 11:40", NewYork.FormatTable(new DateTimeOffset(2026, 7, 1, 15, 40, 5, TimeSpan.Zero)));
        Assert.Equal("America/New_York", NewYork.ZoneId);
    }

    [Fact]
    public void A_page_cursor_round_trips_and_anything_else_is_no_cursor()
    {
        var cursor = new InboxCursor(true, new DateTimeOffset(2026, 11, 24, 9, 30, 0, 123, TimeSpan.Zero).AddTicks(4567), Guid.NewGuid());
        Assert.True(InboxCursor.TryParse(cursor.ToString(), out var parsed));
        Assert.Equal(cursor, parsed);
        foreach (var bad in new[] { "", "1-2", "2-638000000000000000-" + Guid.NewGuid().ToString("N"), "1-99999999999999999999-" + Guid.NewGuid().ToString("N"), "1-5-not-a-guid", "0--5-" + Guid.NewGuid().ToString("N") })
        {
            Assert.False(InboxCursor.TryParse(bad, out _), bad);
        }
    }
}
