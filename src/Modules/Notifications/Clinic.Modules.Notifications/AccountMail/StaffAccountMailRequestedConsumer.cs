using System.Globalization;
using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.Email;
using MassTransit;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.Modules.Notifications.AccountMail;

/// <summary>
/// Sends a staff member the link to set their password: an invitation to enrol, or a reset an admin started. The
/// delivery log records "staff-account", never the address; the link appears only in the e-mail's body.
/// </summary>
internal sealed class StaffAccountMailRequestedConsumer(SmtpMailer mailer, DeliveryLog log, IOptions<NotificationsOptions> options)
    : IConsumer<StaffAccountMailRequested>
{
    public async Task Consume(ConsumeContext<StaffAccountMailRequested> context)
    {
        var request = context.Message;
        var message = Compose(request, options.Value, mailer.From);
        await log.DeliverOnceAsync(
            $"{request.MailId:N}.account", request.MailId, "email", "staff-account",
            token => mailer.SendAsync(message, token), context.CancellationToken);
    }

    internal static MimeMessage Compose(StaffAccountMailRequested request, NotificationsOptions settings, MailboxAddress from)
    {
        var link = new Uri(settings.SiteBaseUrl, request.LinkPath.TrimStart('/'));
        var expires = ClinicWallClock.Describe(request.ExpiresAt, settings);
        var invitation = request.Kind == "invitation";
        var message = new MimeMessage();
        EmailChannel.MarkAutomated(message);
        message.From.Add(from);
        message.To.Add(new MailboxAddress(request.UserName, request.EmailAddress));
        message.Subject = invitation ? "Your staff account: choose a password" : "Reset your staff account's password";
        message.MessageId = $"{request.MailId:N}.account@clinic.notifications";
        var opening = invitation
            ? $"An administrator has made you a staff account, user name {request.UserName}. Open this link to choose your password:"
            : $"An administrator has started a password reset for your staff account, user name {request.UserName}. Open this link to choose a new password:";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello,

                {opening}

                {link}

                The link works once, until {expires}. Do not forward it: whoever opens it can set the password.
                If you did not expect this e-mail, tell your clinic's administrator.

                {settings.ClinicName}
                """,
        };
        return message;
    }
}
