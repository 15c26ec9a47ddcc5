using System.Net.Http.Json;
using System.Text.Json.Serialization;
using MimeKit;

namespace Clinic.EndToEndTests.Infrastructure;

/// <summary>A message as the SMTP server received it, with the envelope recipients it was sent to.</summary>
internal sealed record ReceivedMail(MimeMessage Message, IReadOnlyList<string> EnvelopeRecipients);

/// <summary>What a real SMTP server has received so far.</summary>
internal interface IMailInbox
{
    Task<IReadOnlyList<ReceivedMail>> ReadAllAsync();
}

/// <summary>Reads the Maildir that Debian's aiosmtpd (handlers.Mailbox) writes, one file per message.</summary>
internal sealed class MaildirInbox(string maildir) : IMailInbox
{
    public async Task<IReadOnlyList<ReceivedMail>> ReadAllAsync()
    {
        var mails = new List<ReceivedMail>();
        foreach (var folder in new[] { "new", "cur" })
        {
            var path = Path.Combine(maildir, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(path))
            {
                var message = await MimeMessage.LoadAsync(file);
                // aiosmtpd records the SMTP envelope's RCPT TO addresses in this header.
                var recipients = message.Headers.Where(h => h.Field == "X-RcptTo").Select(h => h.Value)
                    .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    .ToList();
                mails.Add(new ReceivedMail(message, recipients));
            }
        }

        return mails;
    }
}

/// <summary>Reads Mailpit's HTTP API (the SMTP server used when tests start their own containers).</summary>
internal sealed class MailpitInbox(HttpClient api) : IMailInbox
{
    public async Task<IReadOnlyList<ReceivedMail>> ReadAllAsync()
    {
        var list = await api.GetFromJsonAsync<MessageList>("api/v1/messages?limit=500")
            ?? throw new InvalidOperationException("Mailpit returned no message list.");
        var mails = new List<ReceivedMail>();
        foreach (var summary in list.Messages)
        {
            await using var raw = await api.GetStreamAsync($"api/v1/message/{summary.Id}/raw");
            var message = await MimeMessage.LoadAsync(raw);
            mails.Add(new ReceivedMail(message, [.. summary.To.Select(t => t.Address)]));
        }

        return mails;
    }

    private sealed record MessageList([property: JsonPropertyName("messages")] List<MessageSummary> Messages);

    private sealed record MessageSummary(
        [property: JsonPropertyName("ID")] string Id,
        [property: JsonPropertyName("To")] List<Mailbox> To);

    private sealed record Mailbox([property: JsonPropertyName("Address")] string Address);
}
