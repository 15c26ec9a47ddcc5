using System.Net;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

public sealed partial class PrivacyTests
{
    [Fact]
    public async Task Passkey_challenges_and_credential_ids_appear_in_no_log_line_no_span_and_no_metric()
    {
        // base64url of "zyxcanary-passkey": a credential id the clinic has never seen.
        const string canaryCredentialId = "enl4Y2FuYXJ5LXBhc3NrZXk";
        var linesBefore = clinic.Logs.Lines.Count;
        using var browser = clinic.CreateBrowser();
        // The page's passkey button carries the antiforgery token for the script (it has no form of its own).
        var html = await browser.GetStringAsync("/account/login-passkey");
        var token = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "data-antiforgery=\"([^\"]+)\"").Groups[1].Value);
        Dictionary<string, string> fields = new() { ["__RequestVerificationToken"] = token, ["SecondStep"] = "false" };
        var options = await browser.PostAsync("/account/login-passkey?handler=Options", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        var challenge = JsonDocument.Parse(await options.Content.ReadAsStringAsync()).RootElement.GetProperty("challenge").GetString()!;
        var answer = JsonSerializer.Serialize(new
        {
            id = canaryCredentialId,
            rawId = canaryCredentialId,
            type = "public-key",
            response = new { clientDataJSON = "e30", authenticatorData = "AAAA", signature = "AAAA", userHandle = "enl4Y2FuYXJ5" },
        });
        fields["CredentialJson"] = answer;
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync("/account/login-passkey", new FormUrlEncodedContent(fields))).StatusCode);

        // The capture saw this sign-in handled, so the checks below can fail.
        Assert.Contains(clinic.Logs.Lines.Skip(linesBefore), l => l.Contains("Sign-in by passkey: refused", StringComparison.Ordinal));
        var metrics = (await clinic.ScrapeAsync()).Text;
        foreach (var secret in new[] { challenge, canaryCredentialId, "enl4Y2FuYXJ5" })
        {
            Assert.DoesNotContain(secret, metrics, StringComparison.Ordinal);
            Assert.DoesNotContain(clinic.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s => SpanMentions(s, value => value.Contains(secret, StringComparison.Ordinal)));
        }
    }
}
