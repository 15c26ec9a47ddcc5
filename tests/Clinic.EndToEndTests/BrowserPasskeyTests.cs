using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>
/// Passkeys as a person meets them in Chromium, with Chromium's virtual authenticator (DevTools protocol) standing in
/// for a laptop's or phone's: register one, sign in with it alone, use it as the second step, and remove it.
/// </summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task Staff_register_a_passkey_then_sign_in_with_it_alone_and_a_removed_passkey_no_longer_signs_in()
    {
        const string name = "pia.passkey";
        const string passphrase = "violet harbour kettle drum";
        await AddAccountAsync(name, "Staff", passphrase);

        var (page, authenticator) = await OpenPageWithAuthenticatorAsync();
        var shots = new Screenshots(page, nameof(Staff_register_a_passkey_then_sign_in_with_it_alone_and_a_removed_passkey_no_longer_signs_in));
        await SignInWithPasswordAsync(page, name, passphrase);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        await page.GotoAsync("/account/passkeys");
        await Assertions.Expect(page.Locator("#no-passkeys")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "passkeys page");
        await page.GetByLabel("Name for the new passkey").FillAsync("Work laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-status")).ToContainTextAsync("Passkey \"Work laptop\" added");
        await Assertions.Expect(page.Locator("#passkeys")).ToContainTextAsync("Work laptop");
        await shots.TakeAsync("01-passkey-added");
        await AssertAccessibleAsync(page, "passkeys page with a passkey");
        var stored = Assert.Single((await LoadAccountAsync(name)).Passkeys);
        Assert.Equal("Work laptop", stored.Name);

        await SignOutAsync(page);
        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await shots.TakeAsync("02-signed-in-with-passkey");

        await page.GotoAsync("/account/passkeys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove “Work laptop”" }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-status")).ToContainTextAsync("removed");
        await Assertions.Expect(page.Locator("#no-passkeys")).ToBeVisibleAsync();
        Assert.Empty((await LoadAccountAsync(name)).Passkeys);

        // The device still holds the passkey; the clinic no longer accepts it.
        await SignOutAsync(page);
        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-error")).ToContainTextAsync("did not sign you in");
        await shots.TakeAsync("03-removed-passkey-refused");
        await AssertAccessibleAsync(page, "passkey sign-in refused");
        await page.GotoAsync("/staff");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));

        // Credential ids, public keys and challenges stay out of the logs.
        var credentials = await authenticator.Session.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = authenticator.Id });
        var credential = credentials!.Value.GetProperty("credentials")[0];
        var credentialId = Convert.FromBase64String(credential.GetProperty("credentialId").GetString()!);
        string[] secrets = [stored.CredentialId, Convert.ToBase64String(credentialId), Convert.ToBase64String(stored.PublicKey), WebEncoders.Base64UrlEncode(stored.PublicKey)];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(clinic.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(clinic.Logs.Lines, line => line.Contains("\"challenge\"", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task An_account_that_must_use_a_second_factor_may_enrol_a_passkey_and_use_it_after_its_password()
    {
        const string name = "pax.admin";
        const string passphrase = "amber glacier window frost";
        await AddAccountAsync(name, "Admin", passphrase);

        var (page, _) = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, name, passphrase);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "use a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "must use two-step sign-in" })).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "passkeys page during enrolment");
        await page.GetByLabel("Name for the new passkey").FillAsync("Security key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-status")).ToContainTextAsync("added");

        // Enrolled: the staff area opens, without an authenticator app.
        await page.GotoAsync("/staff");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        // After the password, the second step offers the passkey.
        await SignOutAsync(page);
        await SignInWithPasswordAsync(page, name, passphrase);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login-2fa"));
        await AssertAccessibleAsync(page, "second step with a passkey");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey instead" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
    }

    private async Task AddAccountAsync(string name, string role, string passphrase)
    {
        var error = new StringWriter();
        Assert.True(await AccountCommands.RunAsync(clinic.App.Services.GetRequiredService<AccountStore>(), ["add", name, "--role", role], new StringReader(passphrase), TextWriter.Null, error) == 0, error.ToString());
    }

    private async Task<StaffAccount> LoadAccountAsync(string name)
    {
        await using var scope = clinic.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<StaffAccount>>().FindByNameAsync(name))!;
    }

    /// <summary>
    /// A tab on https://localhost (a passkey belongs to a host name; an IP address cannot hold one) with a virtual
    /// authenticator that holds discoverable credentials and verifies the person (as a PIN or fingerprint would).
    /// </summary>
    private async Task<(IPage Page, VirtualAuthenticator Authenticator)> OpenPageWithAuthenticatorAsync()
    {
        var browser = await clinic.Browsers.GetAsync();
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = $"https://localhost:{clinic.BaseAddress.Port}/",
            IgnoreHTTPSErrors = true,
            ExtraHTTPHeaders = new Dictionary<string, string> { [SimulatedClientAddress.Header] = SimulatedClientAddress.NewAddress() },
            ViewportSize = new() { Width = 1100, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return (page, new(cdp, added!.Value.GetProperty("authenticatorId").GetString()!));
    }

    private sealed record VirtualAuthenticator(ICDPSession Session, string Id);
}
