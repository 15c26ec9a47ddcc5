using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

public sealed partial class PrivacyTests
{
    [Fact]
    public async Task Passwords_authenticator_keys_and_codes_appear_in_no_log_line_no_span_and_no_metric()
    {
        const string name = "zyxcanary.signin";
        const string passphrase = "Zyxcanary sign-in passphrase";
        const string wrongPassphrase = "Zyxcanary wrong passphrase";
        var error = new StringWriter();
        Assert.True(await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), ["add", name, "--role", "Admin"], new StringReader(passphrase), TextWriter.Null, error) == 0, error.ToString());
        var linesBefore = clinic.Logs.Lines.Count;

        // A wrong password, then enrolment (a wrong code, then the right one), then every second-factor page.
        using var browser = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = wrongPassphrase })).StatusCode);
        Assert.Equal("/account/two-factor", (await browser.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = passphrase })).Headers.Location!.OriginalString);
        var enrolment = await browser.GetStringAsync("/account/two-factor");
        var key = Regex.Match(enrolment, "id=\"manual-key\">([^<]+)<").Groups[1].Value;
        var token = Regex.Match(enrolment, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var codes = new List<string> { "000000" };
        await browser.PostAsync("/account/two-factor", new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = codes[0], ["__RequestVerificationToken"] = token }));
        codes.Add(ClinicFixture.CurrentCode(key));
        var confirmed = await browser.PostAsync("/account/two-factor", new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = codes[1], ["__RequestVerificationToken"] = token }));
        var recoveryCodes = Regex.Matches(await confirmed.Content.ReadAsStringAsync(), "<li><code>([A-Za-z0-9-]+)</code></li>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(RecoveryCodes.Count, recoveryCodes.Count);

        using var again = clinic.CreateBrowser();
        await again.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = passphrase });
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.PostFormAsync("/account/login-2fa", new() { ["Code"] = "999999" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = "ZYXCA-NARYQ" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await again.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = recoveryCodes[0] })).StatusCode);
        using var third = clinic.CreateBrowser();
        await third.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = passphrase });
        codes.Add(ClinicFixture.NextCode(key));
        Assert.Equal(HttpStatusCode.Redirect, (await third.PostFormAsync("/account/login-2fa", new() { ["Code"] = codes[^1] })).StatusCode);

        // The capture saw these sign-ins handled, so the checks below can fail.
        Assert.Contains(clinic.Logs.Lines.Skip(linesBefore), l => l.Contains("Sign-in by recovery code: signed in", StringComparison.Ordinal));
        string[] secrets = [name, passphrase, wrongPassphrase, key, key.Replace(" ", "", StringComparison.Ordinal), "ZYXCA-NARYQ", "ZYXCANARYQ", .. recoveryCodes, .. recoveryCodes.Select(RecoveryCodes.Normalise)];
        var metrics = (await clinic.ScrapeAsync()).Text;
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, metrics, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(clinic.Logs.Lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s => SpanMentions(s, value => value.Contains(secret, StringComparison.OrdinalIgnoreCase)));
        }

        // Six-digit codes could occur by chance inside longer numbers; a code on its own is what must not appear.
        foreach (var code in codes.Append("999999").Distinct())
        {
            var alone = new Regex($"(?<![0-9]){code}(?![0-9])");
            Assert.DoesNotContain(clinic.Logs.Lines.Skip(linesBefore), l => alone.IsMatch(l));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s => SpanMentions(s, alone.IsMatch));
        }
    }

    private static bool SpanMentions(System.Diagnostics.Activity span, Func<string, bool> matches) =>
        matches(span.DisplayName) ||
        span.TagObjects.Any(t => t.Value?.ToString() is { } value && matches(value)) ||
        span.Events.Any(e => e.Tags.Any(t => t.Value?.ToString() is { } value && matches(value)));
}
