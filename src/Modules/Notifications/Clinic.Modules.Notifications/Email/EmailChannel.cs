using Clinic.Modules.Notifications.NotifyStaff;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.Modules.Notifications.Email;

/// <summary>E-mails the alert to the configured staff addresses.</summary>
internal sealed class EmailChannel(SmtpMailer mailer, IOptions<NotificationsOptions> options) : INotificationChannel
{
    public string Name => "email";

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(StaffAlert alert, CancellationToken cancellationToken)
    {
        var recipients = options.Value.StaffRecipients;
        await mailer.SendAsync(Compose(alert, recipients), cancellationToken);
        return [.. recipients.Select(r => new Delivery(Name, r))];
    }

    private MimeMessage Compose(StaffAlert alert, IEnumerable<string> recipients)
    {
        var message = new MimeMessage();
        message.From.Add(mailer.From);
        foreach (var recipient in recipients)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        if (alert.IsUrgent)
        {
            message.Priority = MessagePriority.Urgent;
            message.Importance = MessageImportance.High;
        }

        message.Subject = alert.IsUrgent
            ? $"URGENT call request {alert.Reference}: crisis language in the message"
            : $"New call request {alert.Reference}";
        var priority = alert.IsUrgent
            ? "Priority: URGENT. The visitor's message matched crisis-language rules. Please call first."
            : "Priority: routine.";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                A visitor asked the clinic to call them.

                Reference: {alert.Reference}
                {priority}
                Condition: {alert.ConditionSlug}
                Submitted: {alert.SubmittedAt:yyyy-MM-dd HH:mm} UTC

                Open the request: {alert.Link}

                This e-mail deliberately carries no names, contact details or message text.
                """,
        };
        return message;
    }
}
