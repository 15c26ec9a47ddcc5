using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>The sign-ins and sessions page and the step-up confirmation, as a person meets them in Chromium.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task Staff_see_their_sign_ins_and_sessions_and_confirm_their_second_factor_again()
    {
        var key = await SessionsTests.AccountAsync(clinic, "sofia.security", "Staff", enrol: true);
        var page = await clinic.OpenPageAsync();
        var shots = new Screenshots(page, nameof(Staff_see_their_sign_ins_and_sessions_and_confirm_their_second_factor_again));
        await SignInWithPasswordAsync(page, "sofia.security", SessionsTests.Passphrase);
        await page.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.CurrentCode(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign-ins and sessions" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sessions")).ToContainTextAsync("(this session)");
        await Assertions.Expect(page.Locator("#sign-ins")).ToContainTextAsync("Signed in (authenticator code)");
        await shots.TakeAsync("01-sign-ins-and-sessions");
        await AssertAccessibleAsync(page, "sign-ins and sessions page");

        await page.GotoAsync("/account/confirm?returnUrl=%2Faccount%2Fsecurity");
        await AssertAccessibleAsync(page, "step-up confirmation page");
        await page.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.NextCode(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/security$"));
        await Assertions.Expect(page.Locator("#sign-ins")).ToContainTextAsync("Confirmed with authenticator code");
        await shots.TakeAsync("02-confirmed");
    }
}
