using System.Diagnostics;
using Clinic.Modules.Notifications.NotifyStaff;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.Modules.Notifications.Email;

/// <summary>E-mails the alert to the configured staff addresses through a real SMTP server (MailKit).</summary>
internal sealed class EmailChannel(IOptions<NotificationsOptions> options) : INotificationChannel
{
    public string Name => "email";

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(StaffAlert alert, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var message = Compose(alert, settings);

        using var activity = NotificationsTelemetry.Source.StartActivity("smtp.send", ActivityKind.Client);
        activity?.SetTag("server.address", settings.Smtp.Host);
        activity?.SetTag("server.port", settings.Smtp.Port);

        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Smtp.Host, settings.Smtp.Port, settings.Smtp.Security, cancellationToken);
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
        {
            await client.AuthenticateAsync(settings.Smtp.UserName, settings.Smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);

        return [.. settings.StaffRecipients.Select(r => new Delivery(Name, r))];
    }

    private static MimeMessage Compose(StaffAlert alert, NotificationsOptions settings)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.Smtp.From));
        foreach (var recipient in settings.StaffRecipients)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = $"New call request {alert.Reference}";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                A visitor asked the clinic to call them.

                Reference: {alert.Reference}
                Condition: {alert.ConditionSlug}
                Submitted: {alert.SubmittedAt:yyyy-MM-dd HH:mm} UTC

                Open the request: {alert.Link}

                This e-mail deliberately carries no names, contact details or message text.
                """,
        };
        return message;
    }
}
