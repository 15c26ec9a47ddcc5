using System.Net;
using System.Net.Http.Headers;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;

namespace Clinic.EndToEndTests;

[CollectionDefinition(Name)]
public sealed class StepUpCollection : ICollectionFixture<StepUpFixture>
{
    public const string Name = "step-up";
}

/// <summary>A host whose step-up window is seconds long, so a test sees a second factor go stale.</summary>
public sealed class StepUpFixture : ClinicFixture
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    protected override void Configure(IDictionary<string, string> settings) =>
        settings[StepUp.WindowKey] = Window.ToString();
}

/// <summary>Sensitive actions (exports, replay) ask for the second factor again once the last one is older than the window.</summary>
[Collection(StepUpCollection.Name)]
public sealed partial class StepUpTests(StepUpFixture clinic)
{
    private const string Export = "/api/audit/export?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&format=csv";

    [Fact]
    public async Task An_export_after_the_window_asks_for_the_code_again_and_then_returns_to_the_export()
    {
        var key = await SessionsTests.AccountAsync(clinic, "ava.audit", "Auditor", enrol: true);
        using var ava = clinic.CreateBrowser();
        await ava.PostFormAsync("/account/login", new() { ["UserName"] = "ava.audit", ["Password"] = SessionsTests.Passphrase });
        var signInCode = ClinicFixture.CurrentCode(key);
        Assert.Equal(HttpStatusCode.Redirect, (await ava.PostFormAsync("/account/login-2fa", new() { ["Code"] = signInCode })).StatusCode);

        var seen = new List<HttpStatusCode>();
        var asked = await Eventually.GetAsync(async () =>
        {
            var response = await OpenAsBrowserAsync(ava, Export);
            seen.Add(response.StatusCode);
            return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location!.OriginalString : null;
        }, "the export to ask for a fresh second factor", StepUpFixture.Window * 6);
        Assert.Equal(HttpStatusCode.OK, seen[0]);

        Assert.Equal(StepUp.ConfirmUrl(Export), asked);
        Assert.Contains("Code from your authenticator app", await ava.GetStringAsync(asked), StringComparison.Ordinal);
        // The code the sign-in used is spent: it does not confirm.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ConfirmAsync(ava, asked, new() { ["Code"] = signInCode })).StatusCode);
        var confirmed = await ConfirmAsync(ava, asked, new() { ["Code"] = ClinicFixture.NextCode(key) });
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(Export, confirmed.Headers.Location!.OriginalString);

        var export = await OpenAsBrowserAsync(ava, Export);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_api_client_gets_problem_details_saying_a_fresh_second_factor_is_needed()
    {
        await SessionsTests.AccountAsync(clinic, "abe.api", "Auditor", enrol: false);
        using var abe = await SessionsTests.SignedInAsync(clinic, "abe.api");

        var response = await Eventually.GetAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Export);
            request.Headers.Accept.ParseAdd("application/json");
            var answer = await abe.SendAsync(request);
            return answer.StatusCode == HttpStatusCode.Forbidden ? answer : null;
        }, "the export API to ask for a fresh second factor", StepUpFixture.Window * 6);

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("A fresh second factor is needed", problem, StringComparison.Ordinal);
        Assert.Contains("/account/confirm", problem, StringComparison.Ordinal);

        // Without a second factor enrolled, the password is the confirmation.
        var confirmed = await ConfirmAsync(abe, StepUp.ConfirmUrl(Export), new() { ["Password"] = SessionsTests.Passphrase });
        Assert.Equal(Export, confirmed.Headers.Location!.OriginalString);
        using var again = new HttpRequestMessage(HttpMethod.Get, Export);
        again.Headers.Accept.ParseAdd("application/json");
        Assert.Equal(HttpStatusCode.OK, (await abe.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Wrong_codes_at_the_confirmation_count_towards_lockout_and_the_page_is_rate_limited()
    {
        var key = await SessionsTests.AccountAsync(clinic, "lena.lock", "Auditor", enrol: true);
        using var lena = clinic.CreateBrowser();
        await lena.PostFormAsync("/account/login", new() { ["UserName"] = "lena.lock", ["Password"] = SessionsTests.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, (await lena.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) })).StatusCode);

        for (var i = 0; i < StaffAccount.MaxFailedSignIns; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ConfirmAsync(lena, StepUp.ConfirmPath, new() { ["Code"] = SessionsTests.WrongCode(key) })).StatusCode);
        }

        var right = await ConfirmAsync(lena, StepUp.ConfirmPath, new() { ["Code"] = ClinicFixture.NextCode(key) });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked for 15 minutes", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var elsewhere = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.PostFormAsync("/account/login", new() { ["UserName"] = "lena.lock", ["Password"] = SessionsTests.Passphrase })).StatusCode);

        // Each attempt so far was a page load and a post; from here, posts alone (as a script would).
        var token = SessionsTests.AntiforgeryToken().Match(await lena.GetStringAsync(StepUp.ConfirmPath)).Groups[1].Value;
        HttpStatusCode status;
        // The sign-in (two pages, each loaded and posted), six confirmations (each loaded and posted), the token's page.
        var attempts = 4 + (2 * (StaffAccount.MaxFailedSignIns + 1)) + 1;
        do
        {
            using var post = new FormUrlEncodedContent(new Dictionary<string, string> { ["Code"] = SessionsTests.WrongCode(key), ["__RequestVerificationToken"] = token });
            status = (await lena.PostAsync(StepUp.ConfirmPath, post)).StatusCode;
            attempts++;
        }
        while (status != HttpStatusCode.TooManyRequests && attempts <= 100);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(attempts <= 21, $"{attempts} attempts before the limit");
    }

    /// <summary>Posts the confirmation form with the page's antiforgery token (a signed-in page has several forms carrying it).</summary>
    private static async Task<HttpResponseMessage> ConfirmAsync(HttpClient browser, string url, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = SessionsTests.AntiforgeryToken().Match(await browser.GetStringAsync(url)).Groups[1].Value;
        return await browser.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    /// <summary>A browser following a link: it asks for HTML first.</summary>
    private static async Task<HttpResponseMessage> OpenAsBrowserAsync(HttpClient browser, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        return await browser.SendAsync(request);
    }
}
