using Clinic.Modules.Intake.OnCall;
using static Clinic.UnitTests.Deadlines.PolicyFixture;

namespace Clinic.UnitTests.OnCall;

public sealed class OnCallFormTests
{
    [Fact]
    public void Blank_and_removed_rows_are_left_out_and_times_are_read_in_clinic_time()
    {
        var form = new OnCallForm
        {
            Rotation =
            [
                new() { Day = DayOfWeek.Monday, At = "09:00", Name = " Alice Ng ", Email = "alice@clinic.example" },
                new() { Day = DayOfWeek.Friday, At = "17:00", Name = "Bob", Email = "bob@clinic.example", Remove = true },
                new(),
            ],
            Overrides = [new() { From = "2026-12-24T17:00", Until = "2026-12-28T09:00", Name = "Carol", Email = "carol@clinic.example", Reason = "Holiday cover" }, new()],
        };

        var (schedule, errors) = form.ToSchedule(Clock());

        Assert.Empty(errors);
        Assert.Equal([new OnCallHandOver(DayOfWeek.Monday, new TimeOnly(9, 0), new OnCallPerson("Alice Ng", "alice@clinic.example"))], schedule!.Rotation);
        var cover = Assert.Single(schedule.Overrides);
        Assert.Equal((Eastern("2026-12-24T17:00", "-05:00"), Eastern("2026-12-28T09:00", "-05:00")), (cover.From, cover.Until));
        Assert.Null(schedule.Lead);
    }

    [Fact]
    public void Each_problem_is_named_on_its_field()
    {
        var form = new OnCallForm
        {
            Rotation = [new() { At = "9am", Name = "", Email = "alice" }, new() { Day = DayOfWeek.Monday, At = "09:00", Name = "A", Email = "a@clinic.example" }, new() { Day = DayOfWeek.Monday, At = "09:00", Name = "B", Email = "b@clinic.example" }],
            Overrides = [new() { From = "2026-03-08T02:30", Until = "2026-03-01T10:00", Name = "Carol", Email = "carol@clinic.example" }, new() { From = "2026-12-02T10:00", Until = "2026-12-01T10:00", Name = "Carol", Email = "carol@clinic.example", Reason = "Swap" }],
            LeadName = "Lee",
        };

        var (schedule, errors) = form.ToSchedule(Clock());

        Assert.Null(schedule);
        Assert.Equal("Choose the day of the hand-over.", errors["Form.Rotation[0].Day"]);
        Assert.Equal("Enter the time of the hand-over, such as 09:00.", errors["Form.Rotation[0].At"]);
        Assert.Equal("Enter the person's name.", errors["Form.Rotation[0].Name"]);
        Assert.StartsWith("Enter the person's work e-mail address", errors["Form.Rotation[0].Email"], StringComparison.Ordinal);
        Assert.Equal("Another hand-over is already on Monday at 09:00.", errors["Form.Rotation[2].At"]);
        Assert.Contains("does not exist in Eastern Time", errors["Form.Overrides[0].From"], StringComparison.Ordinal);
        Assert.Equal("Say why, such as holiday cover or a swap.", errors["Form.Overrides[0].Reason"]);
        Assert.Equal("The end must be later than the start.", errors["Form.Overrides[1].Until"]);
        Assert.StartsWith("Enter the person's work e-mail address", errors["Form.LeadEmail"], StringComparison.Ordinal);
    }
}
