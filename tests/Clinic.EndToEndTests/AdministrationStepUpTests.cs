using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;

namespace Clinic.EndToEndTests;

/// <summary>
/// Admin actions that can hand an account to someone or take it from its owner (inviting, disabling, links, resets)
/// ask for a fresh second factor, like role changes: a stale or stolen admin session cannot make a new admin.
/// </summary>
[Collection(StepUpCollection.Name)]
public sealed class AdministrationStepUpTests(StepUpFixture clinic)
{
    [Fact]
    public async Task An_admin_whose_second_factor_is_stale_is_asked_again_before_inviting_or_acting_on_an_account_and_nothing_changes_until_then()
    {
        await SessionsTests.AccountAsync(clinic, "tom.target", "Staff", enrol: false);
        var key = await SessionsTests.AccountAsync(clinic, "adele.admin", "Admin", enrol: true);
        using var adele = clinic.CreateBrowser();
        await adele.PostFormAsync("/account/login", new() { ["UserName"] = "adele.admin", ["Password"] = SessionsTests.Passphrase });
        Assert.Equal(HttpStatusCode.Redirect, (await adele.PostFormAsync("/account/login-2fa", new() { ["Code"] = ClinicFixture.CurrentCode(key) })).StatusCode);

        var asked = await Eventually.GetAsync(async () =>
        {
            var response = await adele.GetAsync("/staff/accounts/invite");
            return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location!.OriginalString : null;
        }, "the invitation page to ask for a fresh second factor", StepUpFixture.Window * 6);
        Assert.StartsWith(StepUp.ConfirmPath, asked, StringComparison.Ordinal);

        // The account page still shows; its actions wait for the confirmation and change nothing before it.
        const string AccountUrl = "/staff/accounts/account?name=tom.target";
        var token = SessionsTests.AntiforgeryToken().Match(await adele.GetStringAsync(AccountUrl)).Groups[1].Value;
        var disable = await adele.PostAsync($"{AccountUrl}&handler=Disable", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, disable.StatusCode);
        Assert.Equal(StepUp.ConfirmUrl(AccountUrl), disable.Headers.Location!.OriginalString);
        using (var tom = await SessionsTests.SignedInAsync(clinic, "tom.target"))
        {
            Assert.Equal(HttpStatusCode.OK, (await tom.GetAsync("/staff")).StatusCode);
        }

        var confirmUrl = StepUp.ConfirmUrl(AccountUrl);
        var confirmToken = SessionsTests.AntiforgeryToken().Match(await adele.GetStringAsync(confirmUrl)).Groups[1].Value;
        var confirmed = await adele.PostAsync(confirmUrl, new FormUrlEncodedContent([new("Code", ClinicFixture.NextCode(key)), new("__RequestVerificationToken", confirmToken)]));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(AccountUrl, confirmed.Headers.Location!.OriginalString);

        token = SessionsTests.AntiforgeryToken().Match(await adele.GetStringAsync(AccountUrl)).Groups[1].Value;
        var disabled = await adele.PostAsync($"{AccountUrl}&handler=Disable", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Contains("done=disabled", disabled.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
