using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

public sealed partial class PrivacyTests
{
    [Fact]
    public async Task Session_ids_addresses_user_agents_and_confirmation_codes_appear_in_no_log_line_no_span_and_no_metric()
    {
        const string name = "zyxcanary.sessions";
        const string userAgent = "Mozilla/5.0 (Windows NT 10.0) ZyxcanaryAgent/7.7 Firefox/133.0";
        var key = await SessionsTests.AccountAsync(clinic, name, "Staff", enrol: true);
        var address = SimulatedClientAddress.NewAddress();
        var linesBefore = clinic.Logs.Lines.Count;

        using var first = SessionsTests.Browser(clinic, userAgent, address);
        await first.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = SessionsTests.Passphrase });
        var codes = new List<string> { ClinicFixture.CurrentCode(key) };
        Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync("/account/login-2fa", new() { ["Code"] = codes[0] })).StatusCode);
        using var second = SessionsTests.Browser(clinic, userAgent, address);
        await second.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = SessionsTests.Passphrase });
        codes.Add(ClinicFixture.NextCode(key));
        Assert.Equal(HttpStatusCode.Redirect, (await second.PostFormAsync("/account/login-2fa", new() { ["Code"] = codes[1] })).StatusCode);

        // The new pages: the list of sign-ins and sessions, ending one, and a step-up confirmation (wrong, then spent).
        var page = await first.GetStringAsync("/account/security");
        var sessions = SessionsTests.SessionsOn(page);
        Assert.Equal(2, sessions.Count);
        Assert.Contains("Firefox on Windows", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await SessionsTests.PostOnSecurityPageAsync(first, "End", new() { ["session"] = sessions.Single(s => !s.IsThis).Id })).StatusCode);
        var token = SessionsTests.AntiforgeryToken().Match(await first.GetStringAsync("/account/confirm")).Groups[1].Value;
        foreach (var code in new[] { "987654", codes[1] })
        {
            var refused = await first.PostAsync("/account/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = code, ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        codes.Add("987654");
        Assert.Contains(clinic.Logs.Lines.Skip(linesBefore), l => l.Contains("Sign-in by authenticator code: signed in", StringComparison.Ordinal));
        string[] secrets = [name, "ZyxcanaryAgent", address, .. sessions.Select(s => s.Id)];
        var metrics = (await clinic.ScrapeAsync()).Text;
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, metrics, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(clinic.Logs.Lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s => SpanMentions(s, value => value.Contains(secret, StringComparison.OrdinalIgnoreCase)));
        }

        foreach (var code in codes)
        {
            var alone = new Regex($"(?<![0-9]){code}(?![0-9])");
            Assert.DoesNotContain(clinic.Logs.Lines.Skip(linesBefore), l => alone.IsMatch(l));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s => SpanMentions(s, alone.IsMatch));
        }
    }
}
