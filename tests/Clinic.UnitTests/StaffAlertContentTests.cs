using System.Text;
using System.Text.Json;
using Clinic.Modules.Intake.Contracts;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Email;
using Clinic.Modules.Notifications.NotifyStaff;
using Clinic.Modules.Notifications.Webhooks;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Clinic.UnitTests;

/// <summary>What an alert tells staff: by default only what opens the request; the visitor's details only when the clinic opts in.</summary>
public sealed class StaffAlertContentTests
{
    private static readonly VisitorDetails Dana = new("Dana Rivera", "555-010-2222", "dana@example.com", "phone", "evening", "Call me <!channel> after six");

    private static StaffAlert Alert(VisitorDetails? visitor = null) =>
        new(Guid.NewGuid(), "KC-ABCDE-FGHIJ", "ptsd", false, false, DateTimeOffset.UnixEpoch, new Uri("https://clinic.example/requests/1"), visitor);

    private static string EmailText(StaffAlert alert)
    {
        var message = new EmailChannel(new SmtpMailer(Options.Create(new NotificationsOptions())), Options.Create(new NotificationsOptions())).Compose(alert, "staff@clinic.invalid", "d1");
        return Assert.IsType<TextPart>(message.Body).Text;
    }

    private static JsonElement WebhookJson(StaffAlert alert) => JsonDocument.Parse(WebhookChannel.Body(alert, "d1")).RootElement;

    [Fact]
    public void By_default_alerts_carry_the_reference_and_link_but_no_visitor_details()
    {
        var email = EmailText(Alert());
        var webhook = WebhookJson(Alert());

        Assert.Contains("KC-ABCDE-FGHIJ", email, StringComparison.Ordinal);
        Assert.Contains("https://clinic.example/requests/1", email, StringComparison.Ordinal);
        Assert.Contains("deliberately carries no names", email, StringComparison.Ordinal);
        Assert.DoesNotContain("Visitor:", email, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("visitor").ValueKind);
        Assert.DoesNotContain("Visitor:", webhook.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_clinic_opts_in_alerts_say_who_to_call_and_how()
    {
        var email = EmailText(Alert(Dana));
        var webhook = WebhookJson(Alert(Dana));

        foreach (var expected in new[] { "Visitor: Dana Rivera", "Phone: 555-010-2222", "E-mail: dana@example.com", "best time: evening", "Message: Call me" })
        {
            Assert.Contains(expected, email, StringComparison.Ordinal);
            Assert.Contains(expected, webhook.GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("deliberately carries no names", email, StringComparison.Ordinal);
        Assert.Equal("Dana Rivera", webhook.GetProperty("visitor").GetProperty("name").GetString());
    }

    [Fact]
    public void A_visitors_words_cannot_become_a_chat_mention_or_link_in_the_webhook_text()
    {
        var text = WebhookJson(Alert(Dana)).GetProperty("text").GetString()!;

        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", text, StringComparison.Ordinal);
        Assert.Equal("Call me <!channel> after six", JsonDocument.Parse(Encoding.UTF8.GetString(WebhookChannel.Body(Alert(Dana), "d1"))).RootElement.GetProperty("visitor").GetProperty("message").GetString());
    }
    [Fact]
    public void Staff_e_mails_give_times_on_the_clinics_wall_clock_with_utc_beside_them()
    {
        var submitted = new DateTimeOffset(2026, 12, 2, 14, 30, 0, TimeSpan.Zero);
        var alert = Alert() with { SubmittedAt = submitted };
        var escalation = alert with { Escalation = new EscalationAlert("acknowledge", 1, TimeSpan.FromMinutes(30), submitted.AddHours(1).ToOffset(TimeSpan.FromHours(2))) };
        var options = new NotificationsOptions { TimeZone = "America/New_York", TimeZoneName = "Eastern Time" };

        string Text(StaffAlert a) => Assert.IsType<TextPart>(new EmailChannel(new SmtpMailer(Options.Create(options)), Options.Create(options)).Compose(a, "staff@clinic.invalid", "d1").Body).Text;

        Assert.Contains("Submitted: Wednesday 2 December 2026, 09:30 Eastern Time (14:30 UTC)", Text(alert), StringComparison.Ordinal);
        // A due time given with any offset is still shown on the clinic's clock, never labelled UTC when it is not.
        Assert.Contains("due Wednesday 2 December 2026, 10:30 Eastern Time (15:30 UTC)", Text(escalation), StringComparison.Ordinal);
    }

    private const string HostileMessage = "my heart is broken </3 <script>alert(1)</script> '; DROP TABLE x; -- 1 OR 1=1 😢 a < b > c &amp; =SUM(A1)";

    [Fact]
    public void A_message_full_of_markup_and_sql_reaches_the_staff_email_as_plain_text_exactly_as_typed()
    {
        var email = new EmailChannel(new SmtpMailer(Options.Create(new NotificationsOptions())), Options.Create(new NotificationsOptions()))
            .Compose(Alert(Dana with { Message = HostileMessage }), "staff@clinic.invalid", "d1");

        var body = Assert.IsType<TextPart>(email.Body);
        Assert.Equal("text/plain", body.ContentType.MimeType);
        Assert.Contains("Message: " + HostileMessage, body.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_full_of_markup_and_sql_is_escaped_in_the_webhook_text_and_exact_in_its_visitor_field()
    {
        var body = WebhookChannel.Body(Alert(Dana with { Message = HostileMessage }), "d1");
        var json = JsonDocument.Parse(body).RootElement;
        var text = json.GetProperty("text").GetString()!;

        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains("&lt;/3 &lt;script&gt;alert(1)&lt;/script&gt; '; DROP TABLE x; -- 1 OR 1=1 😢 a &lt; b &gt; c &amp;amp; =SUM(A1)", text, StringComparison.Ordinal);
        Assert.Equal(HostileMessage, json.GetProperty("visitor").GetProperty("message").GetString());
    }
}
