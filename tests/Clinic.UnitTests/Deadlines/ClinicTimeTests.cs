using static Clinic.UnitTests.Deadlines.PolicyFixture;

namespace Clinic.UnitTests.Deadlines;

public sealed class ClinicTimeTests
{
    [Fact]
    public void Formats_for_people_in_the_clinic_zone()
    {
        var clock = Clock();

        Assert.Equal("Tuesday 1 December, 10:00 a.m. EST", clock.Format(DateTimeOffset.Parse("2026-12-01T15:00:00Z")));
        Assert.Equal("Wednesday 1 July, 12:30 p.m. EDT", clock.Format(DateTimeOffset.Parse("2026-07-01T16:30:00Z")));
        Assert.Equal("Tuesday 1 December, 12:05 a.m.", clock.FormatWithoutZone(DateTimeOffset.Parse("2026-12-01T05:05:00Z")));
        Assert.Equal("2026-12-01 10:00 EST", clock.FormatShort(DateTimeOffset.Parse("2026-12-01T15:00:00Z")));
        Assert.Equal("2026-12-01T10:00", clock.ToInput(DateTimeOffset.Parse("2026-12-01T15:00:00Z")));
    }

    [Fact]
    public void Reads_a_datetime_local_value_as_clinic_time()
    {
        var input = Clock().ParseInput("2026-12-01T10:00");

        Assert.Null(input.Error);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T15:00:00Z"), input.Value);
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T14:00:00Z"), Clock().ParseInput("2026-07-01T10:00:00").Value);
    }

    [Fact]
    public void A_time_the_clocks_skip_is_refused_with_a_reason()
    {
        var input = Clock().ParseInput("2026-03-08T02:30");

        Assert.Null(input.Value);
        Assert.Equal("Sunday 8 March, 2:30 a.m. does not exist in Eastern Time: the clocks go forward then. Choose another time.", input.Error);
    }

    [Fact]
    public void A_time_that_happens_twice_means_the_first_and_says_so()
    {
        var input = Clock().ParseInput("2026-11-01T01:30");

        Assert.True(input.Ambiguous);
        Assert.Equal(DateTimeOffset.Parse("2026-11-01T05:30:00Z"), input.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2026-02-30T10:00")]
    [InlineData("2026-12-01 10:00Z")]
    public void Unreadable_input_is_refused(string value)
    {
        var input = Clock().ParseInput(value);

        Assert.Null(input.Value);
        Assert.NotNull(input.Error);
    }

    [Fact]
    public void Uses_the_configured_zone()
    {
        var clock = Clock(("TimeZone", "America/Chicago"), ("TimeZoneName", "Central Time"));

        Assert.Equal("Tuesday 1 December, 9:00 a.m. CST", clock.Format(DateTimeOffset.Parse("2026-12-01T15:00:00Z")));
        Assert.Equal("Central Time", clock.ZoneName);
    }
}
