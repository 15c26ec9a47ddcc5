using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Adding a sign-in method to an account that already has a second factor needs that factor again (a stolen session cannot add its own).</summary>
public sealed partial class StepUpTests
{
    [Fact]
    public async Task A_stale_session_of_an_enrolled_account_is_asked_to_confirm_before_adding_a_passkey_and_nothing_is_added()
    {
        var key = await SessionsTests.AccountAsync(clinic, "pete.passkey", "Staff", enrol: true);
        using var pete = clinic.CreateBrowser();
        await pete.PostFormAsync("/account/login", new() { ["UserName"] = "pete.passkey", ["Password"] = SessionsTests.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, (await pete.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) })).StatusCode);

        var seen = new List<HttpStatusCode>();
        var asked = await Eventually.GetAsync(async () =>
        {
            var token = SessionsTests.AntiforgeryToken().Match(await pete.GetStringAsync("/account/passkeys")).Groups[1].Value;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Name"] = "Spare key", ["CredentialJson"] = "{}", ["__RequestVerificationToken"] = token });
            var response = await pete.PostAsync("/account/passkeys?handler=Add", form);
            seen.Add(response.StatusCode);
            return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location!.OriginalString : null;
        }, "adding a passkey to ask for a fresh second factor", StepUpFixture.Window * 6);

        // Fresh, the attempt reached the passkey check (and failed on the made-up credential); stale, it is sent to confirm.
        Assert.Equal(HttpStatusCode.BadRequest, seen[0]);
        Assert.Equal(StepUp.ConfirmUrl("/account/passkeys"), asked);
        Assert.Empty((await StoredAsync("pete.passkey")).Passkeys);
    }

    [Fact]
    public async Task A_stale_session_of_a_passkey_account_is_asked_to_confirm_before_enrolling_an_authenticator_but_a_first_enrolment_is_not()
    {
        await SessionsTests.AccountAsync(clinic, "paula.passkey", "Staff", enrol: false);
        await SessionsTests.AccountAsync(clinic, "nina.nofactor", "Staff", enrol: false);
        using var paula = await SessionsTests.SignedInAsync(clinic, "paula.passkey");
        using var nina = await SessionsTests.SignedInAsync(clinic, "nina.nofactor");
        // Paula enrolled a passkey since (put in place as the passkey ceremony would leave it; her session stays valid).
        await using (var session = clinic.App.Services.GetRequiredService<IAccountsStore>().LightweightSession())
        {
            var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor("paula.passkey"));
            account!.Passkeys.Add(new StoredPasskey { CredentialId = "AAECAwQFBgcICQ", Name = "Laptop", CreatedAt = DateTimeOffset.UtcNow, PublicKey = [1, 2, 3] });
            session.Store(account);
            await session.SaveChangesAsync();
        }

        var seen = new List<HttpStatusCode>();
        var asked = await Eventually.GetAsync(async () =>
        {
            var response = await OpenAsBrowserAsync(paula, "/account/two-factor");
            seen.Add(response.StatusCode);
            return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location!.OriginalString : null;
        }, "authenticator enrolment to ask for a fresh second factor", StepUpFixture.Window * 6);

        Assert.Equal(HttpStatusCode.OK, seen[0]);
        Assert.Equal(StepUp.ConfirmUrl("/account/two-factor"), asked);
        // Nina's session is as old, but she has no second factor yet: her first enrolment needs no confirmation.
        var first = await OpenAsBrowserAsync(nina, "/account/two-factor");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("id=\"manual-key\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<StaffAccount> StoredAsync(string userName)
    {
        await using var session = clinic.App.Services.GetRequiredService<IAccountsStore>().QuerySession();
        return (await session.LoadAsync<StaffAccount>(StaffAccount.IdFor(userName)))!;
    }
}
