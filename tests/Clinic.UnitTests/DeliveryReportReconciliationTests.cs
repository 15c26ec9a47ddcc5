using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.NotifyStaff;

namespace Clinic.UnitTests;

/// <summary>The report rebuilt from a delivery-log row must be the one its delivery made, and only staff alerts have one.</summary>
public sealed class DeliveryReportReconciliationTests
{
    private static readonly Guid RequestId = Guid.NewGuid();
    private static readonly DateTimeOffset DeliveredAt = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);

    private static DeliveryRecord Row(string id, string channel, string recipient, DateTimeOffset? deliveredAt = null) =>
        new() { Id = id, RequestId = RequestId, Channel = channel, Recipient = recipient, ClaimedAt = DeliveredAt, DeliveredAt = deliveredAt ?? DeliveredAt, Attempts = 1 };

    private static DeliverStaffAlert Alert(string channel, string recipient, EscalationAlert? escalation = null) =>
        new(RequestId, "REF", "ptsd", false, false, DeliveredAt, channel, recipient, null, escalation);

    [Fact]
    public void An_arrival_alert_is_reported_for_its_request_channel_and_recipient_without_a_step()
    {
        var alert = Alert("webhook", "relay");
        var report = DeliveryReportReconciliation.Report(Row(alert.DeliveryId, "webhook", "relay"));
        Assert.NotNull(report);
        Assert.Equal((RequestId, "webhook", "relay", DeliveredAt), (report.RequestId, report.Channel, report.Recipient, report.NotifiedAt));
        Assert.Null(report.Escalation);
    }

    [Fact]
    public void An_escalation_keeps_its_deadline_and_step()
    {
        var alert = Alert("email", "oncall@clinic.invalid", new EscalationAlert("first-contact", 2, TimeSpan.FromHours(1), DeliveredAt));
        var report = DeliveryReportReconciliation.Report(Row(alert.DeliveryId, "email", "oncall@clinic.invalid"));
        Assert.Equal(("first-contact", 2), (report!.Escalation!.Deadline, report.Escalation.Step));
    }

    [Fact]
    public void Visitor_acknowledgements_account_mail_and_unfinished_deliveries_are_not_staff_alerts()
    {
        Assert.Null(DeliveryReportReconciliation.Report(Row($"{RequestId:N}.acknowledgement", "email", "visitor")));
        Assert.Null(DeliveryReportReconciliation.Report(Row($"{RequestId:N}.account", "email", "staff-account")));
        var unfinished = Row(Alert("email", "lead@clinic.invalid").DeliveryId, "email", "lead@clinic.invalid");
        unfinished.DeliveredAt = null;
        Assert.Null(DeliveryReportReconciliation.Report(unfinished));
    }
}
