using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Microsoft.Extensions.DependencyInjection;

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
        }

        // Strict for the antiforgery cookie; Lax for the session, so links in alerts open signed in.
        Assert.Contains("samesite=strict", antiforgery.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Contains("samesite=lax", session.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_ipv6_64_share_one_limit()
    {
        // One device or household holds a whole /64: changing the last bits must not buy more password guesses.
        var address = SimulatedClientAddress.NewAddress();
        using var guesser = clinic.CreateBrowser(address);
        using var neighbour = clinic.CreateBrowser(address.Replace("::1", "::2", StringComparison.Ordinal));
        HttpStatusCode status;
        var attempts = 0;
        do
        {
            status = (await guesser.GetAsync("/account/login")).StatusCode;
            attempts++;
        }
        while (status == HttpStatusCode.OK && attempts <= 100);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await neighbour.GetAsync("/account/login")).StatusCode);
        using var elsewhere = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/account/login")).StatusCode);
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

    [Fact]
    public async Task Five_wrong_passwords_lock_an_account_and_an_administrators_reset_unlocks_it()
    {
        await UsersAsync(["add", "lena.locked", "--role", "Staff"], "first passphrase here");
        using var guesser = clinic.CreateBrowser();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await guesser.PostFormAsync("/account/login", new() { ["UserName"] = "lena.locked", ["Password"] = $"guess number {i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var owner = clinic.CreateBrowser();
        var locked = await owner.PostFormAsync("/account/login", new() { ["UserName"] = "lena.locked", ["Password"] = "first passphrase here" });
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Contains("locked for 15 minutes", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await UsersAsync(["reset-password", "lena.locked"], "second passphrase here");
        var unlocked = await owner.PostFormAsync("/account/login", new() { ["UserName"] = "lena.locked", ["Password"] = "second passphrase here" });
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
    }

    [Fact]
    public async Task Disabling_an_account_ends_its_session_at_the_next_request()
    {
        await UsersAsync(["add", "dora.disabled", "--role", "Staff"], "dora's passphrase");
        using var dora = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await dora.PostFormAsync("/account/login", new() { ["UserName"] = "dora.disabled", ["Password"] = "dora's passphrase" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(dora));

        await UsersAsync(["disable", "dora.disabled"], "");

        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(dora));
        var again = await dora.PostFormAsync("/account/login", new() { ["UserName"] = "dora.disabled", ["Password"] = "dora's passphrase" });
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task The_users_command_refuses_weak_passwords_unknown_roles_and_duplicates_and_generates_a_password_when_given_none()
    {
        Assert.Contains("at least 12 characters", await UsersFailAsync(["add", "wendy.weak", "--role", "Staff"], "short"), StringComparison.Ordinal);
        Assert.Contains("roles of: Staff, Auditor, Admin", await UsersFailAsync(["add", "rory.role", "--role", "Root"], "a long enough passphrase"), StringComparison.Ordinal);
        Assert.Contains("already exists", await UsersFailAsync(["add", ClinicFixture.StaffUserName, "--role", "Staff"], "a long enough passphrase"), StringComparison.Ordinal);

        var output = await UsersAsync(["add", "gina.generated", "--role", "Auditor"], "");
        var password = output.Split("Generated password (shown once): ")[1].Trim();
        using var gina = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await gina.PostFormAsync("/account/login", new() { ["UserName"] = "gina.generated", ["Password"] = password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gina.GetAsync("/audit")).StatusCode);
    }

    private async Task<string> UsersAsync(string[] args, string standardInput)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), args, new StringReader(standardInput), output, error);
        Assert.True(exit == 0, error.ToString());
        return output.ToString();
    }

    private async Task<string> UsersFailAsync(string[] args, string standardInput)
    {
        var error = new StringWriter();
        var exit = await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), args, new StringReader(standardInput), TextWriter.Null, error);
        Assert.Equal(1, exit);
        return error.ToString();
    }

    private static async Task<HttpStatusCode> FeedStatusAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staff/feed");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}
