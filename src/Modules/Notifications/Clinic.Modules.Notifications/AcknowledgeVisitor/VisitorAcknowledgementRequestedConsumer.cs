using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.Email;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.Modules.Notifications.AcknowledgeVisitor;

/// <summary>
/// Confirms to a visitor, when they asked for it, that their request arrived. The e-mail holds their
/// reference and what happens next, and deliberately nothing about their health or their message.
/// </summary>
internal sealed partial class VisitorAcknowledgementRequestedConsumer(
    SmtpMailer mailer, DeliveryLog log, IOptions<NotificationsOptions> options, ILogger<VisitorAcknowledgementRequestedConsumer> logger)
    : IConsumer<VisitorAcknowledgementRequested>
{
    public async Task Consume(ConsumeContext<VisitorAcknowledgementRequested> context)
    {
        var settings = options.Value;
        if (!settings.SendVisitorAcknowledgements)
        {
            return;
        }

        var request = context.Message;
        var message = new MimeMessage();
        EmailChannel.MarkAutomated(message);
        message.From.Add(mailer.From);
        message.To.Add(new MailboxAddress(request.FirstName, request.EmailAddress));
        message.Subject = $"We received your request ({request.Reference})";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello {request.FirstName},

                Thank you for asking us to call you. Your reference is {request.Reference}.

                {Promise(request)} Please keep your reference if you contact us.

                Requests are not monitored around the clock. If you are in crisis, call or text 988
                (Suicide & Crisis Lifeline), or call 911 if you are in immediate danger.

                {settings.ClinicName}

                You are receiving this because you asked for a confirmation on our website.
                """,
        };
        // Once per request, however often the message arrives. The log records "visitor", never the address.
        message.MessageId = $"{request.RequestId:N}.acknowledgement@clinic.notifications";
        var delivery = await log.DeliverOnceAsync(
            Erasure.PersonalDataErasureRequestedConsumer.AcknowledgementDeliveryId(request.RequestId), request.RequestId, "email", "visitor",
            token => mailer.SendAsync(message, token), context.CancellationToken);
        if (delivery.Withdrawn)
        {
            // Queued or retrying when the request was erased: dropped, never mailed, and the message leaves the queue.
            LogWithdrawn(logger, request.RequestId);
        }
    }

    // The request's id only: the message's name and address are exactly what was erased.
    [LoggerMessage(LogLevel.Information, "Visitor acknowledgement for request {RequestId} not sent: the request's personal data was erased")]
    private static partial void LogWithdrawn(ILogger logger, Guid requestId);

    /// <summary>The time the clinic's policy promised, as Intake worded it in the clinic's time; older messages carry none.</summary>
    internal static string Promise(VisitorAcknowledgementRequested request) =>
        string.IsNullOrWhiteSpace(request.ExpectContactByText)
            ? "A member of our team will call you at the time of day you chose."
            : $"A member of our team will call you by {request.ExpectContactByText}, at the time of day you chose where we can.";
}
