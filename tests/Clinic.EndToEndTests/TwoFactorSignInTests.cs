using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Signing in with a password and a second factor (authenticator codes, recovery codes), over HTTP as a browser does.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class TwoFactorSignInTests(ClinicFixture clinic)
{
    private const string Passphrase = "violet kettle harbour lamp";

    [Fact]
    public async Task A_password_alone_is_no_session_and_the_authenticator_code_completes_the_sign_in()
    {
        var key = await EnrolledAccountAsync("tara.totp");
        using var tara = clinic.CreateBrowser();
        var password = await tara.PostFormAsync("/account/login", new() { ["UserName"] = "tara.totp", ["Password"] = Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/account/login-2fa", password.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(tara));

        var code = await tara.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) });

        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        Assert.Equal("/staff", code.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(tara));
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_account_even_against_the_right_code_and_the_right_password()
    {
        var key = await EnrolledAccountAsync("luke.lockout");
        using var guesser = clinic.CreateBrowser();
        await guesser.PostFormAsync("/account/login", new() { ["UserName"] = "luke.lockout", ["Password"] = Passphrase });
        for (var i = 0; i < StaffAccount.MaxFailedSignIns; i++)
        {
            var wrong = await guesser.PostFormAsync("/account/login-2fa", new() { ["Code"] = WrongCode(key) });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await guesser.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked for 15 minutes", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(guesser));

        using var owner = clinic.CreateBrowser();
        var password = await owner.PostFormAsync("/account/login", new() { ["UserName"] = "luke.lockout", ["Password"] = Passphrase });
        Assert.Equal(HttpStatusCode.Unauthorized, password.StatusCode);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_wrong_recovery_codes_count_towards_lockout()
    {
        await EnrolledAccountAsync("rita.recovery");
        var codes = await RecoveryCodesAsync("rita.recovery");
        Assert.Equal(10, codes.Count);

        using var first = clinic.CreateBrowser();
        await first.PostFormAsync("/account/login", new() { ["UserName"] = "rita.recovery", ["Password"] = Passphrase });
        var used = await first.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = codes[0] });
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(first));

        using var second = clinic.CreateBrowser();
        await second.PostFormAsync("/account/login", new() { ["UserName"] = "rita.recovery", ["Password"] = Passphrase });
        var again = await second.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = codes[0] });
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("has been used already", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Four more wrong codes make five failures: the next right code is refused.
        for (var i = 0; i < StaffAccount.MaxFailedSignIns - 1; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await second.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = $"WRONG-CODE{i}" })).StatusCode);
        }

        var locked = await second.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = codes[1] });
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(second));
    }

    [Fact]
    public async Task An_account_disabled_between_password_and_recovery_code_is_not_signed_in()
    {
        await EnrolledAccountAsync("desmond.disabled");
        var codes = await RecoveryCodesAsync("desmond.disabled");
        using var browser = clinic.CreateBrowser();
        await browser.PostFormAsync("/account/login", new() { ["UserName"] = "desmond.disabled", ["Password"] = Passphrase });

        await UsersAsync(["disable", "desmond.disabled"], "");
        var refused = await browser.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = codes[0] });

        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(browser));
    }

    [Fact]
    public async Task Resetting_a_password_keeps_the_second_factor_and_only_an_explicit_reset_removes_it()
    {
        var key = await EnrolledAccountAsync("paula.reset");
        using var paula = clinic.CreateBrowser();
        await paula.PostFormAsync("/account/login", new() { ["UserName"] = "paula.reset", ["Password"] = Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, (await paula.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) })).StatusCode);

        await UsersAsync(["reset-password", "paula.reset"], "amber thistle crane folio");

        // ASVS 6.4.3: the new password alone still does not sign in.
        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(paula));
        using var afterReset = clinic.CreateBrowser();
        var password = await afterReset.PostFormAsync("/account/login", new() { ["UserName"] = "paula.reset", ["Password"] = "amber thistle crane folio" });
        Assert.StartsWith("/account/login-2fa", password.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await afterReset.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.NextCode(key) })).StatusCode);

        await UsersAsync(["reset-second-factor", "paula.reset"], "");

        Assert.Equal(HttpStatusCode.Unauthorized, await FeedStatusAsync(afterReset));
        using var withoutSecondFactor = clinic.CreateBrowser();
        var signIn = await withoutSecondFactor.PostFormAsync("/account/login", new() { ["UserName"] = "paula.reset", ["Password"] = "amber thistle crane folio" });
        Assert.Equal("/staff", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Second_factor_attempts_are_rate_limited_per_client_as_passwords_are()
    {
        var key = await EnrolledAccountAsync("rory.rate");
        var address = SimulatedClientAddress.NewAddress();
        using var guesser = clinic.CreateBrowser(address);
        await guesser.PostFormAsync("/account/login", new() { ["UserName"] = "rory.rate", ["Password"] = Passphrase });
        HttpStatusCode status;
        var attempts = 0;
        do
        {
            using var attempt = new HttpRequestMessage(HttpMethod.Post, "/account/login-2fa") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = WrongCode(key) }) };
            status = (await guesser.SendAsync(attempt)).StatusCode;
            attempts++;
        }
        while (status != HttpStatusCode.TooManyRequests && attempts <= 100);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(attempts <= 21, $"{attempts} attempts before the limit");
    }

    [Fact]
    public async Task An_account_that_must_enrol_reaches_only_enrolment_until_it_has_set_up_an_authenticator()
    {
        await UsersAsync(["add", "penny.pending", "--role", "Admin"], Passphrase);
        using var penny = clinic.CreateBrowser();
        var signIn = await penny.PostFormAsync("/account/login", new() { ["UserName"] = "penny.pending", ["Password"] = Passphrase, ["ReturnUrl"] = "/ops" });
        Assert.Equal("/account/two-factor", signIn.Headers.Location!.OriginalString);
        Assert.Equal("/account/two-factor", (await penny.GetAsync("/ops")).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, await FeedStatusAsync(penny));

        var enrolment = await penny.GetStringAsync("/account/two-factor");
        Assert.Contains("must use two-step sign-in", enrolment, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/png;base64,", enrolment, StringComparison.Ordinal);
        var key = ManualKey().Match(enrolment).Groups[1].Value;
        var wrong = await PostSignedInAsync(penny, "/account/two-factor", WrongCode(key));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, await FeedStatusAsync(penny));

        var confirmed = await PostSignedInAsync(penny, "/account/two-factor", ClinicFixture.CurrentCode(key));

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = RecoveryCode().Matches(await confirmed.Content.ReadAsStringAsync()).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Equal(HttpStatusCode.OK, (await penny.GetAsync("/ops")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await FeedStatusAsync(penny));
        Assert.DoesNotContain(codes[0], await penny.GetStringAsync("/account/two-factor"), StringComparison.Ordinal);

        using var later = clinic.CreateBrowser();
        var next = await later.PostFormAsync("/account/login", new() { ["UserName"] = "penny.pending", ["Password"] = Passphrase });
        Assert.StartsWith("/account/login-2fa", next.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await later.PostFormAsync("/account/login-recovery", new() { ["RecoveryCode"] = codes[3].ToLowerInvariant() })).StatusCode);
    }

    [Fact]
    public async Task Passwords_on_the_common_password_list_are_refused_by_the_users_command()
    {
        var error = new StringWriter();
        var exit = await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), ["add", "connie.common", "--role", "Staff"], new StringReader("Qwerty123456"), TextWriter.Null, error);
        Assert.Equal(1, exit);
        Assert.Contains("common or breached", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A Staff account with an authenticator, made the way an operator and the person would; returns the key.</summary>
    private async Task<string> EnrolledAccountAsync(string userName)
    {
        await UsersAsync(["add", userName, "--role", "Staff"], Passphrase);
        return await clinic.EnrolAuthenticatorAsync(userName);
    }

    private async Task<IReadOnlyList<string>> RecoveryCodesAsync(string userName)
    {
        await using var scope = clinic.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffAccount>>();
        return [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByNameAsync(userName))!, 10))!];
    }

    /// <summary>A six-digit code no authenticator would show now (nor in the steps either side that Identity accepts).</summary>
    private static string WrongCode(string key)
    {
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()));
        var now = DateTime.UtcNow;
        var valid = Enumerable.Range(-3, 7).Select(step => totp.ComputeTotp(now.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 1000).Select(i => ((i * 7919) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(code => !valid.Contains(code));
    }

    /// <summary>A signed-in page has two forms (its own and the layout's sign-out), each with the same antiforgery token.</summary>
    private static async Task<HttpResponseMessage> PostSignedInAsync(HttpClient browser, string url, string code)
    {
        var token = AntiforgeryToken().Match(await browser.GetStringAsync(url)).Groups[1].Value;
        return await browser.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = code, ["__RequestVerificationToken"] = token }));
    }

    private async Task UsersAsync(string[] args, string standardInput)
    {
        var error = new StringWriter();
        var exit = await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), args, new StringReader(standardInput), TextWriter.Null, error);
        Assert.True(exit == 0, error.ToString());
    }

    private static async Task<HttpStatusCode> FeedStatusAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staff/feed");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("id=\"manual-key\">([^<]+)<")]
    private static partial Regex ManualKey();

    [GeneratedRegex("<li><code>([A-Za-z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
