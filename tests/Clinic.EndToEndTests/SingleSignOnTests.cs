using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

[CollectionDefinition(Name)]
public sealed class SingleSignOnCollection : ICollectionFixture<SingleSignOnFixture>
{
    public const string Name = "single-sign-on";
}

/// <summary>
/// A host of its own with single sign-on through a real OpenID provider (oidc-provider, <see cref="OpenIdProvider"/>):
/// groups "admins" and "staff" map to Admin and Staff, first sign-ins create accounts or link the account named by the
/// verified e-mail, local passwords are off except for the break-glass admin, and admins must use a second factor
/// (which the provider's own MFA satisfies only when its amr claim says it asked for one).
/// </summary>
public sealed class SingleSignOnFixture : ClinicFixture, IAsyncLifetime
{
    public const string DisplayName = "Clinic Test IdP";

    /// <summary>An existing clinic account that a first single sign-on links to (same verified e-mail address).</summary>
    public const string LinkedUserName = "lena.link@clinic.test";

    internal OpenIdProvider Provider { get; private set; } = null!;

    internal RecordingJournals Journals { get; } = new();

    protected override void Configure(IDictionary<string, string> settings)
    {
        Provider ??= OpenIdProvider.Start();
        settings["Accounts:SingleSignOn:Authority"] = Provider.Issuer.ToString();
        settings["Accounts:SingleSignOn:ClientId"] = OpenIdProvider.ClientId;
        settings["Accounts:SingleSignOn:ClientSecret"] = Provider.ClientSecret;
        settings["Accounts:SingleSignOn:DisplayName"] = DisplayName;
        settings["Accounts:SingleSignOn:RoleClaim"] = "groups";
        settings["Accounts:SingleSignOn:Scopes:0"] = "groups";
        settings["Accounts:SingleSignOn:RoleMap:0:Claim"] = "admins";
        settings["Accounts:SingleSignOn:RoleMap:0:Role"] = "Admin";
        settings["Accounts:SingleSignOn:RoleMap:1:Claim"] = "staff";
        settings["Accounts:SingleSignOn:RoleMap:1:Role"] = "Staff";
        settings["Accounts:SingleSignOn:CreateAccounts"] = "true";
        settings["Accounts:SingleSignOn:LinkByEmail"] = "true";
        settings["Accounts:SingleSignOn:LocalPasswords"] = "false";
        settings["Accounts:SingleSignOn:BreakGlassAccounts:0"] = AdminUserName;
        settings["Accounts:SingleSignOn:TrustProviderMfa"] = "false";
        // Short enough for the step-up test to see a single sign-on go stale, long enough for the others to use it fresh.
        settings["Accounts:StepUpWindow"] = "00:00:20";
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<ISignInJournal>(Journals);
        services.AddSingleton<IAccountChangeJournal>(Journals);
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        try
        {
            await InitializeAsync();
            await Provider.ConnectAsync(new Uri(BaseAddress, "/signin-oidc"));
            var error = await App.Services.GetRequiredService<AccountStore>().CreateAsync(LinkedUserName, Password, [StaffRoles.Auditor]);
            Assert.Null(error);
        }
        catch
        {
            if (Provider is not null)
            {
                await Provider.DisposeAsync();
            }

            throw;
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            await DisposeAsync();
        }
        finally
        {
            // Null when the provider could not start (not installed): the start's error is the one to show.
            if (Provider is not null)
            {
                await Provider.DisposeAsync();
            }
        }
    }

    internal async Task<StaffAccount?> FindAccountAsync(string userName)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<StaffAccount>>().FindByNameAsync(userName);
    }
}

/// <summary>What the host journals, kept for the tests to read.</summary>
internal sealed class RecordingJournals : ISignInJournal, IAccountChangeJournal
{
    public ConcurrentQueue<SignInAttempt> SignIns { get; } = new();

    public ConcurrentQueue<AccountChangeEntry> Changes { get; } = new();

    public Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        SignIns.Enqueue(attempt);
        return Task.CompletedTask;
    }

    public Task RecordAsync(AccountChangeEntry change, CancellationToken cancellationToken)
    {
        Changes.Enqueue(change);
        return Task.CompletedTask;
    }
}

[Collection(SingleSignOnCollection.Name)]
public sealed class SingleSignOnTests(SingleSignOnFixture clinic)
{
    [Fact]
    public async Task An_admin_signs_in_through_the_identity_provider_and_lands_with_the_admin_role()
    {
        var page = await clinic.OpenPageAsync();
        await page.GotoAsync("/account/login");
        await AssertAccessibleAsync(page, "login page with single sign-on");
        await SignInAtProviderAsync(page, "ines.admin");

        // Her provider asked for a second factor (amr "otp", "mfa"), so the clinic's Admin requirement is met.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await page.GotoAsync("/ops");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Operations");

        // The provider's second factor is as fresh as the sign-in: a step-up page opens without asking again.
        await page.GotoAsync("/staff/accounts/roles?name=ines.admin%40clinic.test");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Roles of ines.admin@clinic.test");

        // A refresh of the sign-in (the two-step page refreshes it) keeps the provider's second factor: no enrolment.
        await page.GotoAsync("/account/two-factor");
        await page.GotoAsync("/ops");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Operations");

        var account = await clinic.FindAccountAsync("ines.admin@clinic.test");
        Assert.NotNull(account);
        Assert.Equal([StaffRoles.Admin], account.Roles);
        Assert.Equal(SingleSignOnExtensions.Scheme, Assert.Single(account.Logins).LoginProvider);
        Assert.Contains(clinic.Journals.Changes, c => c.AccountId == account.Id && c.Change == "account-created" && c.Actor == SingleSignOnSignIn.Actor);
        Assert.Contains(clinic.Journals.SignIns, s => s.AccountId == account.Id && s.Method == SignInMethods.SingleSignOn && s.Succeeded);
    }

    [Fact]
    public async Task Staff_signed_in_through_the_provider_reach_the_staff_area_but_not_admin_pages_and_a_disabled_account_is_refused()
    {
        var page = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(page, "stan.staff");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await page.GotoAsync("/ops");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/denied"));

        var account = await clinic.FindAccountAsync("stan.staff@clinic.test");
        Assert.Equal([StaffRoles.Staff], account!.Roles);
        Assert.Null(await clinic.App.Services.GetRequiredService<AccountStore>().SetDisabledAsync(account.UserName, disabled: true));

        var again = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(again, "stan.staff");
        await Assertions.Expect(again.Locator("#sso-refusal")).ToContainTextAsync("disabled");
        await AssertAccessibleAsync(again, "single sign-on refusal");
        await again.GotoAsync("/staff");
        await Assertions.Expect(again).ToHaveURLAsync(new Regex("/account/login"));
        Assert.Contains(clinic.Journals.SignIns, s => s.AccountId == account.Id && !s.Succeeded && s.Failure == "disabled");
    }

    [Fact]
    public async Task A_person_in_no_mapped_group_is_refused_with_a_clear_page_and_gets_no_account()
    {
        var page = await clinic.OpenPageAsync();
        var callback = page.WaitForResponseAsync(response => response.Url.Contains("/account/sso/callback", StringComparison.Ordinal));
        await SignInAtProviderAsync(page, "una.unmapped");
        Assert.Equal((int)HttpStatusCode.Forbidden, (await callback).Status);
        await Assertions.Expect(page.Locator("#sso-refusal")).ToContainTextAsync("not in a group that has access");
        await page.GotoAsync("/staff");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));

        Assert.Null(await clinic.FindAccountAsync("una.unmapped@clinic.test"));
        Assert.Contains(clinic.Journals.SignIns, s => s.Method == SignInMethods.SingleSignOn && !s.Succeeded && s.Failure == "no-mapped-role");
    }

    [Fact]
    public async Task An_admin_whose_provider_asked_for_no_second_factor_must_still_set_up_the_clinics_own()
    {
        var page = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(page, "omar.admin");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
        await page.GotoAsync("/ops");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
    }

    [Fact]
    public async Task A_first_sign_in_links_the_account_named_by_the_verified_email_and_recomputes_its_roles()
    {
        var page = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(page, "lena.link");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));

        var account = await clinic.FindAccountAsync(SingleSignOnFixture.LinkedUserName);
        Assert.Equal([StaffRoles.Staff], account!.Roles);
        Assert.Single(account.Logins);
        Assert.Contains(clinic.Journals.Changes, c => c.AccountId == account.Id && c.Change == "login-linked");
        Assert.Contains(clinic.Journals.Changes, c => c.AccountId == account.Id && c.Change == "roles-changed" && c.Detail == "Auditor -> Staff");
    }

    [Fact]
    public async Task A_person_whose_email_the_provider_does_not_vouch_for_gets_no_account_and_a_clear_page()
    {
        var page = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(page, "uma.unverified");
        await Assertions.Expect(page.Locator("#sso-refusal")).ToContainTextAsync("no verified e-mail address");

        Assert.Null(await clinic.FindAccountAsync("uma.unverified"));
        Assert.Null(await clinic.FindAccountAsync("uma.unverified@clinic.test"));
        Assert.Contains(clinic.Journals.SignIns, s => s.Method == SignInMethods.SingleSignOn && !s.Succeeded && s.Failure == "unverified-email");
    }

    [Fact]
    public async Task An_admin_whose_step_up_went_stale_signs_in_again_at_the_provider_and_reaches_the_step_up_page()
    {
        var page = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(page, "rita.admin");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        const string rolesPage = "/staff/accounts/roles?name=rita.admin%40clinic.test";

        // Once the step-up window has passed, the sensitive page sends her to confirm.
        await Eventually.GetAsync(async () =>
        {
            await page.GotoAsync(rolesPage);
            return page.Url.Contains("/account/confirm", StringComparison.Ordinal) ? page.Url : null;
        }, "the step-up to go stale", TimeSpan.FromSeconds(60));

        // The confirm page offers the provider, never a password (she has none; local passwords are off).
        await Assertions.Expect(page.Locator("#confirm-sso")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("input[name=Password]").CountAsync());
        await AssertAccessibleAsync(page, "confirm page of a single-sign-on account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm with" }).ClickAsync();

        // The provider still has her session, but prompt=login makes it ask again.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Test identity provider" })).ToBeVisibleAsync();
        await page.GetByLabel("User name").FillAsync("rita.admin");
        await page.GetByLabel("Password").FillAsync(clinic.Provider.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in to the identity provider" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Roles of rita.admin@clinic.test");
        await Assertions.Expect(page.Locator("#roles-from-provider")).ToContainTextAsync("recomputed from the identity provider");
    }

    [Fact]
    public async Task With_local_passwords_off_the_password_form_refuses_staff_but_the_break_glass_admin_still_signs_in()
    {
        var browser = clinic.CreateBrowser();
        var refused = await browser.PostFormAsync("/account/login", new() { ["UserName"] = ClinicFixture.StaffUserName, ["Password"] = clinic.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(LoginModel.Refusal), await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("kept for emergency accounts only", await browser.GetStringAsync("/account/login"), StringComparison.Ordinal);

        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/ops")).StatusCode);
    }

    [Fact]
    public async Task Single_sign_on_writes_no_email_address_subject_token_or_secret_to_the_logs()
    {
        var page = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(page, "ines.admin");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        var unmapped = await clinic.OpenPageAsync();
        await SignInAtProviderAsync(unmapped, "una.unmapped");
        await Assertions.Expect(unmapped.Locator("#sso-refusal")).ToBeVisibleAsync();

        foreach (var line in clinic.Logs.Lines)
        {
            foreach (var secret in new[] { "@clinic.test", "sub-ines", "sub-una", "eyJ", "code=", "id_token", "access_token", clinic.Provider.ClientSecret, clinic.Provider.Password })
            {
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            }
        }
    }

    private async Task SignInAtProviderAsync(IPage page, string person)
    {
        await page.GotoAsync("/account/login");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SingleSignOnFixture.DisplayName}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Test identity provider" })).ToBeVisibleAsync();
        await page.GetByLabel("User name").FillAsync(person);
        await page.GetByLabel("Password").FillAsync(clinic.Provider.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in to the identity provider" }).ClickAsync();
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe found on the {what}: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }
}
