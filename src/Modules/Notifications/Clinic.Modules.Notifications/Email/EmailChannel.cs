using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.NotifyStaff;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.Modules.Notifications.Email;

/// <summary>
/// E-mails the alert to one staff address. The Message-ID is the delivery id: a host that dies after the relay
/// accepted the mail but before the delivery log recorded it sends it again after the claim timeout under the same
/// Message-ID, which marks it as a repeat of that alert rather than a second one (docs/reliability.md, "Known window").
/// </summary>
internal sealed class EmailChannel(SmtpMailer mailer, IOptions<NotificationsOptions> options) : INotificationChannel
{
    public string Name => ChannelNames.Email;

    /// <summary>Mail clients may or may not treat a repeated Message-ID as one message: claim before sending.</summary>
    public DeliveryGuard Guard => DeliveryGuard.ClaimBeforeSend;

    public Task DeliverAsync(StaffAlert alert, string recipient, string deliveryId, CancellationToken cancellationToken) =>
        mailer.SendAsync(Compose(alert, recipient, deliveryId), cancellationToken);

    internal MimeMessage Compose(StaffAlert alert, string recipient, string deliveryId)
    {
        var message = new MimeMessage { MessageId = $"{deliveryId}@clinic.notifications" };
        MarkAutomated(message);
        message.From.Add(mailer.From);
        message.To.Add(MailboxAddress.Parse(recipient));
        if (alert.IsUrgent)
        {
            message.Priority = MessagePriority.Urgent;
            message.Importance = MessageImportance.High;
        }

        if (alert.Escalation is { } escalation)
        {
            message.Priority = MessagePriority.Urgent;
            message.Importance = MessageImportance.High;
            message.Subject = $"{escalation.Summary}: request {alert.Reference} (escalation step {escalation.Step})";
            message.Body = new TextPart("plain")
            {
                Text = $"""
                    ESCALATION: nobody has acted on this {(alert.IsUrgent ? "URGENT " : "")}request in time.

                    {escalation.Summary} (due {ClinicWallClock.Describe(escalation.DueAt, options.Value)}).
                    You are receiving escalation step {escalation.Step}. Please open the request now and acknowledge it or call the visitor.

                    Reference: {alert.Reference}
                    Condition: {alert.ConditionSlug}

                    Open the request: {alert.Link}

                    This e-mail deliberately carries no names, contact details or message text.
                    """,
            };
            return message;
        }

        message.Subject = (alert.IsUrgent, alert.IsSuspectedSpam) switch
        {
            (true, true) => $"URGENT call request {alert.Reference}: crisis language (flagged as possible spam)",
            (true, false) => $"URGENT call request {alert.Reference}: crisis language in the message",
            _ => $"New call request {alert.Reference}",
        };
        var priority = alert.IsUrgent
            ? "Priority: URGENT. The visitor's message matched crisis-language rules. Please call first."
            : "Priority: routine.";
        var visitor = alert.VisitorLines();
        var details = visitor.Count == 0
            ? "This e-mail deliberately carries no names, contact details or message text."
            : string.Join(Environment.NewLine, visitor);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                A visitor asked the clinic to call them.

                Reference: {alert.Reference}
                {priority}
                Condition: {alert.ConditionSlug}
                Submitted: {ClinicWallClock.Describe(alert.SubmittedAt, options.Value)}

                Open the request: {alert.Link}

                {details}
                """,
        };
        return message;
    }

    /// <summary>
    /// RFC 3834: a machine sent this, so vacation and other auto-responders must not answer it (Exchange and
    /// Outlook also read X-Auto-Response-Suppress). Nobody reads replies to these addresses.
    /// </summary>
    internal static void MarkAutomated(MimeMessage message)
    {
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
    }
}
