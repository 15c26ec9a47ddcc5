using static Clinic.UnitTests.Deadlines.PolicyFixture;

namespace Clinic.UnitTests.Deadlines;

/// <summary>A bad response policy stops the host at start, each problem named by its configuration key.</summary>
public sealed class ResponsePolicyValidationTests
{
    [Fact]
    public void Defaults_are_valid() => Assert.Empty(Errors());

    [Theory]
    [InlineData("TimeZone", "Eastern", "Intake:ResponsePolicy:TimeZone 'Eastern' is not an IANA time zone id (such as America/New_York or America/Chicago).")]
    [InlineData("BusinessHours:Closes", "08:00", "Intake:ResponsePolicy:BusinessHours:Closes (08:00) must be later than Opens (09:00).")]
    [InlineData("Holidays:0", "25/12/2026", "Intake:ResponsePolicy:Holidays:0 '25/12/2026' is not a date written yyyy-MM-dd.")]
    [InlineData("Urgent:Acknowledge:Within", "00:00:00", "Intake:ResponsePolicy:Urgent:Acknowledge:Within must be more than zero (such as 00:15:00 for 15 minutes).")]
    [InlineData("Routine:FirstContact:Within", "-01:00:00", "Intake:ResponsePolicy:Routine:FirstContact:Within must be more than zero (such as 00:15:00 for 15 minutes).")]
    [InlineData("Fallback:0", "on call", "Intake:ResponsePolicy:Fallback:0 'on call' is not an e-mail address.")]
    public void Each_bad_value_is_named(string key, string value, string expected) =>
        Assert.Contains(expected, Errors((key, value)));

    [Fact]
    public void Steps_must_come_later_and_later()
    {
        var errors = Errors(
            ("Urgent:Escalation:0:After", "00:10:00"), ("Urgent:Escalation:0:Notify:0", "on-call"),
            ("Urgent:Escalation:1:After", "00:05:00"), ("Urgent:Escalation:1:Notify:0", "clinic-lead"));

        Assert.Equal(["Intake:ResponsePolicy:Urgent:Escalation:1:After must be later than step 1's (00:10:00)."], errors);
    }

    [Fact]
    public void Negative_step_and_unknown_target_are_named()
    {
        var errors = Errors(("Routine:Escalation:0:After", "-00:01:00"), ("Routine:Escalation:0:Notify:0", "the-boss"));

        Assert.Contains("Intake:ResponsePolicy:Routine:Escalation:0:After must not be negative (00:00:00 fires at the deadline itself).", errors);
        Assert.Contains("Intake:ResponsePolicy:Routine:Escalation:0:Notify has 'the-boss', which is neither on-call, next-on-call, clinic-lead nor an e-mail address.", errors);
    }

    [Fact]
    public void Step_may_name_a_staff_address()
    {
        Assert.Empty(Errors(("Routine:Escalation:0:After", "00:00:00"), ("Routine:Escalation:0:Notify:0", "director@clinic.example")));
    }

    [Fact]
    public void Configured_lists_replace_the_defaults_instead_of_adding_to_them()
    {
        var options = Options(("BusinessHours:Days:0", "Tuesday"), ("Fallback:0", "desk@clinic.example"),
            ("Routine:Escalation:0:After", "00:30:00"), ("Routine:Escalation:0:Notify:0", "clinic-lead"));

        Assert.Equal([DayOfWeek.Tuesday], options.BusinessHours.Days);
        Assert.Equal(["desk@clinic.example"], options.Fallback);
        Assert.Equal(TimeSpan.FromMinutes(30), Assert.Single(options.Routine.Escalation).After);
        Assert.Equal(2, options.Urgent.Escalation.Count);
    }

    [Fact]
    public void Empty_lists_are_refused_when_built_in_code()
    {
        var options = new Clinic.Modules.Intake.Deadlines.ResponsePolicyOptions { Fallback = [] };
        options.BusinessHours.Days.Clear();
        options.Urgent.Escalation.Clear();

        var result = new Clinic.Modules.Intake.Deadlines.ResponsePolicyOptionsValidator().Validate(null, options);

        Assert.Contains("Intake:ResponsePolicy:BusinessHours:Days is empty: business-hours deadlines would never fall due.", result.Failures!);
        Assert.Contains("Intake:ResponsePolicy:Urgent:Escalation is empty: nobody would be told when one of its deadlines passes.", result.Failures!);
        Assert.Contains("Intake:ResponsePolicy:Fallback is empty: an escalation when the on-call schedule names nobody would alert no one.", result.Failures!);
    }
}
