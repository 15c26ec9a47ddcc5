using System.Net;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

[Collection(ClinicCollection.Name)]
public sealed class AccountSecurityTests(ClinicFixture clinic)
{
    [Fact]
    public async Task The_session_and_antiforgery_cookies_are_host_only_secure_http_only_and_same_site()
    {
        using var browser = clinic.CreateBrowser();
        var form = await browser.GetAsync("/account/login");
        var antiforgery = Assert.Single(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-clinic.af=", StringComparison.Ordinal));

        var signIn = await browser.PostFormAsync("/account/login", new() { ["UserName"] = ClinicFixture.StaffUserName, ["Password"] = clinic.Password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-clinic.auth=", StringComparison.Ordinal));

        foreach (var cookie in new[] { antiforgery, session })
        {
            var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("path=/", attributes);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
            Assert.Contains(attributes, a => a is "samesite=strict");
        }
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        // The page and the layout both offer a sign-out form; either posts the same token.
        var page = await staff.GetStringAsync("/account/logout");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var logout = await staff.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var feed = new HttpRequestMessage(HttpMethod.Get, "/staff/feed");
        feed.Headers.Accept.ParseAdd("text/event-stream");
        using var afterwards = await staff.SendAsync(feed, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }
}
