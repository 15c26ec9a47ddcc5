using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Clinic.Host.Accounts.Administration;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// Account administration over HTTP, as an admin's browser does it: invitations and reset links by real e-mail, each
/// link working once and not after it expires, disabling and signing out ending sessions, roles, and the change record.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class AccountAdministrationTests(ClinicFixture clinic)
{
    private const string Passphrase = "quiet harbour lamp seventeen";

    [Fact]
    public async Task An_invited_person_sets_a_password_through_the_e_mailed_link_which_then_works_no_more()
    {
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var email = UniqueAddress("ivan");
        var invited = await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "ivan.invited"), new("Email", email), new("Roles", "Staff")]);
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        Assert.Contains("pending invite", await admin.GetStringAsync("/staff/accounts"), StringComparison.Ordinal);

        var mail = await AccountMailAsync(clinic, email, "choose a password");
        var link = LinkIn(mail);
        using var person = clinic.CreateBrowser();
        var page = await person.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("ivan.invited", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var mismatch = await PostLinkAsync(person, link, Passphrase, "something else entirely");
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("id=\"ConfirmPassword-error\"", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var common = await PostLinkAsync(person, link, "password1234", "password1234");
        Assert.Equal(HttpStatusCode.BadRequest, common.StatusCode);
        Assert.Contains("common or breached", await common.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var set = await PostLinkAsync(person, link, Passphrase, Passphrase);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal("/staff", set.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/staff")).StatusCode);

        // Used once: the same link now shows why it cannot be used, and sets nothing.
        using var second = clinic.CreateBrowser();
        var again = await second.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("has been used already", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var reuse = await PostLinkAsync(second, link, "another fine passphrase", "another fine passphrase");
        Assert.Equal(HttpStatusCode.Gone, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.PostFormAsync("/account/login", new() { ["UserName"] = "ivan.invited", ["Password"] = Passphrase })).StatusCode);

        var changes = await admin.GetStringAsync("/staff/accounts/changes?account=ivan.invited");
        Assert.Contains("enrolled-by-invitation", changes, StringComparison.Ordinal);
        Assert.Contains("invited", changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_link_is_refused_with_a_clear_page_and_sets_no_password()
    {
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var email = UniqueAddress("esme");
        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "esme.expired"), new("Email", email), new("Roles", "Auditor")])).StatusCode);
        var link = LinkIn(await AccountMailAsync(clinic, email, "choose a password"));
        using var person = clinic.CreateBrowser();
        var open = await person.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);

        // Time passes beyond the link's lifetime (moved in the store, as waiting 72 hours would).
        await using (var session = clinic.App.Services.GetRequiredService<IAccountsStore>().LightweightSession())
        {
            var stored = await session.Query<AccountLink>().SingleAsync(l => l.AccountId == "esme.expired");
            stored.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            session.Store(stored);
            await session.SaveChangesAsync();
        }

        var expired = await person.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("This link has expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await PostLinkAsync(person, link, Passphrase, Passphrase)).StatusCode);
        Assert.Contains("pending invite", await admin.GetStringAsync("/staff/accounts/account?name=esme.expired"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.PostFormAsync("/account/login", new() { ["UserName"] = "esme.expired", ["Password"] = Passphrase })).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await person.GetAsync("/account/set-password?token=not-a-token")).StatusCode);
    }

    [Fact]
    public async Task After_a_password_reset_link_the_second_factor_is_still_asked()
    {
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var email = UniqueAddress("rita");
        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "rita.reset"), new("Email", email), new("Roles", "Staff")])).StatusCode);
        using (var first = clinic.CreateBrowser())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostLinkAsync(first, LinkIn(await AccountMailAsync(clinic, email, "choose a password")), Passphrase, Passphrase)).StatusCode);
        }

        var key = await clinic.EnrolAuthenticatorAsync("rita.reset");
        var sent = await AdminPostAsync(admin, "/staff/accounts/account?name=rita.reset", [], handler: "PasswordLink");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var link = LinkIn(await AccountMailAsync(clinic, email, "Reset your staff account"));

        using var person = clinic.CreateBrowser();
        const string newPassphrase = "velvet comet orchard ninety";
        var reset = await PostLinkAsync(person, link, newPassphrase, newPassphrase);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal("/account/login-2fa", reset.Headers.Location!.OriginalString);
        Assert.NotEqual(HttpStatusCode.OK, (await person.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await person.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/staff")).StatusCode);

        using var old = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.PostFormAsync("/account/login", new() { ["UserName"] = "rita.reset", ["Password"] = Passphrase })).StatusCode);
        Assert.Contains("password-reset-by-link", await admin.GetStringAsync("/staff/accounts/changes?account=rita.reset"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_and_signing_out_everywhere_end_sessions_and_an_admin_cannot_disable_themselves()
    {
        await AddAsync("dirk.disabled", "Staff");
        await AddAsync("otto.out", "Staff");
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        using var dirk = await SignInAsync("dirk.disabled");
        using var otto = await SignInAsync("otto.out");
        Assert.Equal(HttpStatusCode.OK, (await dirk.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await otto.GetAsync("/staff")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/account?name=dirk.disabled", [], handler: "Disable")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/account?name=otto.out", [], handler: "SignOut")).StatusCode);
        Assert.StartsWith("/account/login", (await dirk.GetAsync("/staff")).Headers.Location!.AbsolutePathOf(clinic), StringComparison.Ordinal);
        Assert.StartsWith("/account/login", (await otto.GetAsync("/staff")).Headers.Location!.AbsolutePathOf(clinic), StringComparison.Ordinal);
        Assert.Contains(">disabled<", await admin.GetStringAsync("/staff/accounts/account?name=dirk.disabled"), StringComparison.Ordinal);
        // Signed out, not disabled: otto signs in again.
        using var ottoAgain = await SignInAsync("otto.out");
        Assert.Equal(HttpStatusCode.OK, (await ottoAgain.GetAsync("/staff")).StatusCode);

        var self = await AdminPostAsync(admin, $"/staff/accounts/account?name={ClinicFixture.AdminUserName}", [], handler: "Disable");
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Contains("cannot disable your own account", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/staff/accounts")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/account?name=dirk.disabled", [], handler: "Enable")).StatusCode);
        using var dirkAgain = await SignInAsync("dirk.disabled");
        Assert.Equal(HttpStatusCode.OK, (await dirkAgain.GetAsync("/staff")).StatusCode);

        var changes = await admin.GetStringAsync("/staff/accounts/changes?account=dirk.disabled");
        Assert.Matches(new Regex("<td>enabled</td>[\\s\\S]*<td>disabled</td>[\\s\\S]*<td>created</td>"), changes);
        Assert.Contains($"<td>{ClinicFixture.AdminUserName}</td>", changes, StringComparison.Ordinal);
        Assert.Contains("<td>command-line</td>", changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_change_takes_effect_at_the_next_request_and_is_recorded_and_admins_keep_their_own_admin_role()
    {
        await AddAsync("rolf.roles", "Staff");
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        using var rolf = await SignInAsync("rolf.roles");
        Assert.Equal(HttpStatusCode.OK, (await rolf.GetAsync("/staff")).StatusCode);

        var none = await AdminPostAsync(admin, "/staff/accounts/roles?name=rolf.roles", []);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("id=\"Roles-error\"", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/roles?name=rolf.roles", [new("Roles", "Auditor")])).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await rolf.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rolf.GetAsync("/audit")).StatusCode);
        var changes = await admin.GetStringAsync("/staff/accounts/changes?account=rolf.roles");
        Assert.Contains("roles-changed", changes, StringComparison.Ordinal);
        Assert.Contains("Auditor (was Staff)", changes, StringComparison.Ordinal);

        var own = await AdminPostAsync(admin, $"/staff/accounts/roles?name={ClinicFixture.AdminUserName}", [new("Roles", "Staff")]);
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Contains("cannot remove your own Admin role", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/ops")).StatusCode);
    }

    [Fact]
    public async Task The_invitation_form_names_the_field_at_fault_and_saves_nothing()
    {
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var badEmail = await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "nora.nomail"), new("Email", "nora-at-example"), new("Roles", "Staff")]);
        Assert.Equal(HttpStatusCode.BadRequest, badEmail.StatusCode);
        Assert.Matches(new Regex("id=\"Email-error\"[^>]*>Enter the person's e-mail address"), WebUtility.HtmlDecode(await badEmail.Content.ReadAsStringAsync()));
        var noRole = await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "nora.nomail"), new("Email", UniqueAddress("nora"))]);
        Assert.Equal(HttpStatusCode.BadRequest, noRole.StatusCode);
        Assert.Contains("id=\"Roles-error\"", await noRole.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/staff/accounts/account?name=nora.nomail")).StatusCode);

        var taken = await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", ClinicFixture.StaffUserName), new("Email", UniqueAddress("sam")), new("Roles", "Staff")]);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains("already exists", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static string UniqueAddress(string who) => $"{who}.{Guid.NewGuid():N}@example.org";

    /// <summary>The path and query of the set-password link in an account e-mail (the e-mail names the configured public address).</summary>
    internal static string LinkIn(ReceivedMail mail) =>
        LinkPattern().Match(mail.Message.TextBody ?? "").Groups["path"] is { Success: true } path ? path.Value : throw new InvalidOperationException("No link in the e-mail.");

    internal static async Task<ReceivedMail> AccountMailAsync(ClinicFixture clinic, string address, string subject, int skip = 0) =>
        await Eventually.GetAsync(
            async () => (await clinic.Inbox.ReadAllAsync())
                .Where(m => m.Message.To.Mailboxes.Any(b => b.Address == address) && (m.Message.Subject ?? "").Contains(subject, StringComparison.OrdinalIgnoreCase))
                .Skip(skip).FirstOrDefault(),
            $"the account e-mail ({subject})");

    private async Task AddAsync(string name, string role)
    {
        var error = new StringWriter();
        Assert.True(await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), ["add", name, "--role", role], new StringReader(Passphrase), TextWriter.Null, error) == 0, error.ToString());
    }

    private async Task<HttpClient> SignInAsync(string name)
    {
        var browser = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/account/login", new() { ["UserName"] = name, ["Password"] = Passphrase })).StatusCode);
        return browser;
    }

    /// <summary>Posts a form of a signed-in page, with the page's antiforgery token, to its handler.</summary>
    internal static async Task<HttpResponseMessage> AdminPostAsync(HttpClient browser, string url, List<KeyValuePair<string, string>> fields, string? handler = null)
    {
        var html = await browser.GetStringAsync(url);
        fields.Add(new("__RequestVerificationToken", TokenIn(html)));
        var target = handler is null ? url : $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}";
        return await browser.PostAsync(target, new FormUrlEncodedContent(fields));
    }

    /// <summary>Sends the set-password form; the antiforgery token comes from the sign-in form, so a link no longer open can be posted to as well.</summary>
    internal static async Task<HttpResponseMessage> PostLinkAsync(HttpClient browser, string link, string password, string confirm)
    {
        var html = await browser.GetStringAsync("/account/login");
        var token = Regex.Match(link, "token=([^&]+)").Groups[1].Value;
        return await browser.PostAsync("/account/set-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["Password"] = password,
            ["ConfirmPassword"] = confirm,
            ["__RequestVerificationToken"] = TokenIn(html),
        }));
    }

    private static string TokenIn(string html) =>
        WebUtility.HtmlDecode(Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value);

    [GeneratedRegex("https?://[^/\\s]+(?<path>/account/set-password\\?token=[A-Za-z0-9_-]+)")]
    private static partial Regex LinkPattern();
}

internal static class LocationPaths
{
    public static string AbsolutePathOf(this Uri location, ClinicFixture clinic) => new Uri(clinic.BaseAddress, location).AbsolutePath;
}
