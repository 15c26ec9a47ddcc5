using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Sign-in records, active sessions and single-use authenticator codes, over HTTP as a browser does.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class SessionsTests(ClinicFixture clinic)
{
    internal const string Passphrase = "saffron ledger willow dusk";
    internal const string EdgeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    private const string FirefoxOnLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    [Fact]
    public async Task Each_person_sees_their_own_sign_ins_successes_and_failures_with_method_network_and_browser()
    {
        var key = await AccountAsync(clinic, "rhea.records", "Staff", enrol: true);
        await AccountAsync(clinic, "olga.other", "Staff", enrol: false);
        using (var stranger = Browser(clinic, FirefoxOnLinux))
        {
            await stranger.PostFormAsync("/account/login", new() { ["UserName"] = "olga.other", ["Password"] = "not her passphrase at all" });
            await stranger.PostFormAsync("/account/login", new() { ["UserName"] = "nobody.zyx", ["Password"] = "not anyone's passphrase" });
        }

        var address = SimulatedClientAddress.NewAddress();
        using var rhea = Browser(clinic, EdgeOnWindows, address);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rhea.PostFormAsync("/account/login", new() { ["UserName"] = "rhea.records", ["Password"] = "a wrong passphrase here" })).StatusCode);
        await rhea.PostFormAsync("/account/login", new() { ["UserName"] = "rhea.records", ["Password"] = Passphrase });
        Assert.Equal(HttpStatusCode.Unauthorized, (await rhea.PostFormAsync("/account/login-2fa", new() { ["Code"] = WrongCode(key) })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await rhea.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) })).StatusCode);
        using (var withRecoveryCode = Browser(clinic, EdgeOnWindows, address))
        {
            var code = (await RecoveryCodesAsync(clinic, "rhea.records"))[0];
            await withRecoveryCode.PostFormAsync("/account/login", new() { ["UserName"] = "rhea.records", ["Password"] = Passphrase });
            Assert.Equal(HttpStatusCode.Redirect, (await withRecoveryCode.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = code })).StatusCode);
        }

        var page = WebUtility.HtmlDecode(await rhea.GetStringAsync("/account/security"));

        var signIns = page[page.IndexOf("id=\"sign-ins\"", StringComparison.Ordinal)..];
        Assert.Contains("Refused (password): wrong password", signIns, StringComparison.Ordinal);
        Assert.Contains("Password accepted", signIns, StringComparison.Ordinal);
        Assert.Contains("Refused (authenticator code): wrong code", signIns, StringComparison.Ordinal);
        Assert.Contains("Signed in (authenticator code)", signIns, StringComparison.Ordinal);
        Assert.Contains("Signed in (recovery code)", signIns, StringComparison.Ordinal);
        Assert.Contains("Edge on Windows", signIns, StringComparison.Ordinal);
        Assert.Contains(address[..address.IndexOf("::", StringComparison.Ordinal)] + "::/48", signIns, StringComparison.Ordinal);
        // Nothing of the other account's or the unknown name's attempts; no raw address, no User-Agent string.
        Assert.DoesNotContain("Firefox on Linux", page, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown account", page, StringComparison.Ordinal);
        Assert.DoesNotContain(address, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Edg/131", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ended_session_is_refused_at_its_next_request_and_the_others_carry_on()
    {
        await AccountAsync(clinic, "sela.sessions", "Staff", enrol: false);
        using var laptop = await SignedInAsync(clinic, "sela.sessions");
        using var phone = await SignedInAsync(clinic, "sela.sessions");
        using var kiosk = await SignedInAsync(clinic, "sela.sessions");

        var sessions = SessionsOn(await laptop.GetStringAsync("/account/security"));
        Assert.Equal(3, sessions.Count);
        var laptopSession = Assert.Single(sessions, s => s.IsThis).Id;
        var phoneSession = SessionsOn(await phone.GetStringAsync("/account/security")).Single(s => s.IsThis).Id;
        Assert.NotEqual(laptopSession, phoneSession);

        Assert.Equal(HttpStatusCode.OK, (await PostOnSecurityPageAsync(laptop, "End", new() { ["session"] = phoneSession })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(phone));
        Assert.Equal("/account/login", new Uri(clinic.BaseAddress, (await phone.GetAsync("/staff")).Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(kiosk));
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(laptop));

        Assert.Equal(HttpStatusCode.OK, (await PostOnSecurityPageAsync(laptop, "EndOthers", [])).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(kiosk));
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(laptop));
        Assert.Equal(laptopSession, Assert.Single(SessionsOn(await laptop.GetStringAsync("/account/security"))).Id);

        // What the admin page's "sign out everywhere" calls.
        await clinic.App.Services.GetRequiredService<SessionStore>().EndAllAsync("sela.sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(laptop));
    }

    [Fact]
    public async Task Renewing_the_security_stamp_ends_the_sessions_and_they_leave_the_list()
    {
        await AccountAsync(clinic, "stan.stamp", "Staff", enrol: false);
        using var first = await SignedInAsync(clinic, "stan.stamp");

        await UsersAsync(clinic, ["disable", "stan.stamp"], "");
        await UsersAsync(clinic, ["enable", "stan.stamp"], "");

        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(first));
        using var second = await SignedInAsync(clinic, "stan.stamp");
        Assert.Single(SessionsOn(await second.GetStringAsync("/account/security")));
    }

    [Fact]
    public async Task An_authenticator_code_accepted_once_is_refused_the_second_time()
    {
        var key = await AccountAsync(clinic, "otis.once", "Staff", enrol: true);
        var code = ClinicFixture.CurrentCode(key);
        using var first = clinic.CreateBrowser();
        await first.PostFormAsync("/account/login", new() { ["UserName"] = "otis.once", ["Password"] = Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync("/account/login-2fa", new() { ["Code"] = code })).StatusCode);

        using var replay = clinic.CreateBrowser();
        await replay.PostFormAsync("/account/login", new() { ["UserName"] = "otis.once", ["Password"] = Passphrase });
        var refused = await replay.PostFormAsync("/account/login-2fa", new() { ["Code"] = code });

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(replay));
        Assert.Equal(HttpStatusCode.Redirect, (await replay.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.NextCode(key) })).StatusCode);
    }

    internal static HttpClient Browser(ClinicFixture clinic, string userAgent, string? address = null)
    {
        var browser = clinic.CreateBrowser(address);
        browser.DefaultRequestHeaders.UserAgent.Clear();
        browser.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        return browser;
    }

    /// <summary>Makes the account as an operator would; with <paramref name="enrol"/>, gives it an authenticator and returns the key.</summary>
    internal static async Task<string> AccountAsync(ClinicFixture clinic, string userName, string role, bool enrol)
    {
        await UsersAsync(clinic, ["add", userName, "--role", role], Passphrase);
        return enrol ? await clinic.EnrolAuthenticatorAsync(userName) : "";
    }

    /// <summary>Signs in an account without a second factor, from a browser of its own.</summary>
    internal static async Task<HttpClient> SignedInAsync(ClinicFixture clinic, string userName)
    {
        var browser = Browser(clinic, EdgeOnWindows);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/account/login", new() { ["UserName"] = userName, ["Password"] = Passphrase })).StatusCode);
        return browser;
    }

    internal static async Task UsersAsync(ClinicFixture clinic, string[] args, string standardInput)
    {
        var error = new StringWriter();
        var exit = await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), args, new StringReader(standardInput), TextWriter.Null, error);
        Assert.True(exit == 0, error.ToString());
    }

    internal static async Task<IReadOnlyList<string>> RecoveryCodesAsync(ClinicFixture clinic, string userName)
    {
        await using var scope = clinic.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffAccount>>();
        return [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByNameAsync(userName))!, 10))!];
    }

    internal static IReadOnlyList<(string Id, bool IsThis)> SessionsOn(string page) =>
        [.. SessionRow().Matches(page).Select(m => (m.Groups["id"].Value, m.Groups["this"].Success))];

    /// <summary>A signed-in page has several forms (its own and the layout's sign-out), each with the same antiforgery token.</summary>
    internal static async Task<HttpResponseMessage> PostOnSecurityPageAsync(HttpClient browser, string handler, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(await browser.GetStringAsync("/account/security")).Groups[1].Value;
        return await browser.PostAsync($"/account/security?handler={handler}", new FormUrlEncodedContent(fields));
    }

    internal static async Task<HttpStatusCode> FeedStatusAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staff/feed");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    /// <summary>A six-digit code no authenticator would show now (nor in the steps either side that Identity accepts).</summary>
    internal static string WrongCode(string key)
    {
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()));
        var now = DateTime.UtcNow;
        var valid = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => ((i * 7919) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(code => !valid.Contains(code));
    }

    [GeneratedRegex("<tr(?<this> class=\"this-session\")?>(?:(?!</tr>).)*?name=\"session\" value=\"(?<id>[0-9a-f-]{36})\"", RegexOptions.Singleline)]
    private static partial Regex SessionRow();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    internal static partial Regex AntiforgeryToken();
}
