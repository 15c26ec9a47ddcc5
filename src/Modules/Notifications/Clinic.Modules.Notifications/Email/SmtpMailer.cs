using System.Diagnostics;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.Modules.Notifications.Email;

/// <summary>Sends one message through the configured SMTP server (MailKit), inside an "smtp.send" span.</summary>
internal sealed class SmtpMailer(IOptions<NotificationsOptions> options)
{
    public MailboxAddress From => MailboxAddress.Parse(options.Value.Smtp.From);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var activity = NotificationsTelemetry.Source.StartActivity("smtp.send", ActivityKind.Client);
        activity?.SetTag("server.address", smtp.Host);
        activity?.SetTag("server.port", smtp.Port);

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A server's refusal often quotes the recipient ("<x@y>: rejected"), and the exception would
            // then travel into logs, spans and the _error queue's headers. Keep only codes, never text.
            throw e is SmtpCommandException { StatusCode: >= (SmtpStatusCode)500 } refused
                ? new NotifyStaff.PermanentDeliveryFailure($"SMTP server refused the {refused.ErrorCode} permanently (status {(int)refused.StatusCode}).")
                : SmtpDeliveryException.From(e);
        }
    }
}

/// <summary>An SMTP failure described by codes only, safe to log and to carry in message headers.</summary>
internal sealed class SmtpDeliveryException(string message) : Exception(message)
{
    public static SmtpDeliveryException From(Exception e) => e switch
    {
        SmtpCommandException command => new($"SMTP server refused the {command.ErrorCode} with status {(int)command.StatusCode}."),
        SmtpProtocolException => new("SMTP protocol error."),
        System.Net.Sockets.SocketException socket => new($"SMTP server unreachable ({socket.SocketErrorCode})."),
        TimeoutException => new("SMTP server timed out."),
        MailKit.Security.AuthenticationException => new("SMTP authentication failed."),
        _ => new($"SMTP delivery failed ({e.GetType().Name})."),
    };
}
