using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

public sealed partial class PrivacyTests
{
    [Fact]
    public async Task Invitation_and_reset_links_e_mail_addresses_and_invitees_appear_in_no_log_line_no_span_and_no_metric()
    {
        const string name = "zyxcanary.invitee";
        const string passphrase = "Zyxcanary invitee passphrase";
        var email = $"zyxcanary.{Guid.NewGuid():N}@example.org";
        var linesBefore = clinic.Logs.Lines.Count;
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        Assert.Equal(HttpStatusCode.Redirect, (await AccountAdministrationTests.AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", name), new("Email", email), new("Roles", "Staff")])).StatusCode);
        var invitation = AccountAdministrationTests.LinkIn(await AccountAdministrationTests.AccountMailAsync(clinic, email, "choose a password"));
        using var person = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync(invitation)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AccountAdministrationTests.PostLinkAsync(person, invitation, passphrase, passphrase)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await person.GetAsync(invitation)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await AccountAdministrationTests.AdminPostAsync(admin, $"/staff/accounts/account?name={name}", [], handler: "PasswordLink")).StatusCode);
        var reset = AccountAdministrationTests.LinkIn(await AccountAdministrationTests.AccountMailAsync(clinic, email, "Reset your staff account"));
        using var other = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(reset)).StatusCode);
        foreach (var page in new[] { "/staff/accounts", $"/staff/accounts/account?name={name}", $"/staff/accounts/roles?name={name}", $"/staff/accounts/changes?account={name}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(page)).StatusCode);
        }

        // The capture saw these requests and the e-mails' sends, so the checks below can fail.
        Assert.Contains(clinic.Spans.Snapshot(), s => s.DisplayName == "smtp.send");
        Assert.Contains(clinic.Spans.Snapshot(), s => s.Tags.Any(t => t.Value?.Contains("/account/set-password", StringComparison.Ordinal) == true));
        string[] secrets = [name, email, passphrase, Token(invitation), Token(reset)];
        var metrics = (await clinic.ScrapeAsync()).Text;
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, metrics, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(clinic.Logs.Lines.Skip(linesBefore), l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s => SpanMentions(s, value => value.Contains(secret, StringComparison.OrdinalIgnoreCase)));
        }
    }

    private static string Token(string link) => Regex.Match(link, "token=([^&]+)").Groups[1].Value;
}
