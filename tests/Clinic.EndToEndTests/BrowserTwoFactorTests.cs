using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>Two-step sign-in as a person meets it in Chromium: set it up, sign in with a code, then with a recovery code once.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task Staff_turn_on_two_step_sign_in_then_sign_in_with_a_code_and_with_a_recovery_code_only_once()
    {
        const string name = "bea.browser";
        const string passphrase = "copper meadow lantern tide";
        var error = new StringWriter();
        Assert.True(await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), ["add", name, "--role", "Staff"], new StringReader(passphrase), TextWriter.Null, error) == 0, error.ToString());

        var page = await clinic.OpenPageAsync();
        var shots = new Screenshots(page, nameof(Staff_turn_on_two_step_sign_in_then_sign_in_with_a_code_and_with_a_recovery_code_only_once));
        await SignInWithPasswordAsync(page, name, passphrase);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Two-step sign-in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for adding the clinic to an authenticator app" })).ToBeVisibleAsync();
        await shots.TakeAsync("01-enrolment");
        await AssertAccessibleAsync(page, "two-step enrolment page");
        var key = await page.Locator("#manual-key").InnerTextAsync();
        await page.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.CurrentCode(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-step sign-in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(RecoveryCodes.Count);
        await shots.TakeAsync("02-recovery-codes");
        await AssertAccessibleAsync(page, "recovery codes page");
        var codes = await page.Locator("#recovery-codes li").AllInnerTextsAsync();

        await SignOutAsync(page);
        await SignInWithPasswordAsync(page, name, passphrase);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login-2fa"));
        await AssertAccessibleAsync(page, "sign-in code page");
        await page.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.NextCode(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        await SignOutAsync(page);
        await SignInWithPasswordAsync(page, name, passphrase);
        await page.GetByRole(AriaRole.Link, new() { Name = "Use a recovery code" }).ClickAsync();
        await AssertAccessibleAsync(page, "recovery code page");
        await page.GetByLabel("Recovery code").FillAsync(codes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        await SignOutAsync(page);
        await SignInWithPasswordAsync(page, name, passphrase);
        await page.GetByRole(AriaRole.Link, new() { Name = "Use a recovery code" }).ClickAsync();
        await page.GetByLabel("Recovery code").FillAsync(codes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-error")).ToContainTextAsync("has been used already");
        await shots.TakeAsync("03-recovery-code-used-twice");
        await AssertAccessibleAsync(page, "recovery code refused");
        await page.GotoAsync("/staff");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
    }

    private static async Task SignInWithPasswordAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Sign out") }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
    }
}
