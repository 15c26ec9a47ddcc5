using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;

namespace Clinic.UnitTests;

/// <summary>One rule decides whether a delivery report repeats an alert, against the history and within a batch alike.</summary>
public sealed class AlertMatchTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("email", "Lead@Clinic.invalid", null, null, true)]
    [InlineData("sms", "lead@clinic.invalid", null, null, false)]
    [InlineData("email", "other@clinic.invalid", null, null, false)]
    [InlineData("email", "lead@clinic.invalid", "first-contact", 1, false)]
    public void A_report_repeats_an_alert_of_the_same_channel_recipient_whatever_its_case_and_escalation_step(
        string channel, string recipient, string? deadline, int? step, bool repeats)
    {
        var recorded = new StaffAlerted("email", "lead@clinic.invalid", At);
        var report = new StaffAlerted(channel, recipient, At.AddMinutes(1), deadline, step);
        var history = new RequestView();
        history.Apply(recorded);

        Assert.Equal(repeats, history.WasNotified(report));
        Assert.Equal(repeats, RequestView.IsSameAlert(report, recorded));
    }
}
