using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>Account administration as an admin and an invitee meet it in Chromium, every page checked with axe.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task An_admin_invites_a_person_who_enrols_through_the_e_mailed_link_and_the_role_change_is_recorded()
    {
        const string name = "ines.invited";
        const string passphrase = "amber fjord cinnamon kettle";
        var email = AccountAdministrationTests.UniqueAddress("ines");
        var admin = await clinic.OpenPageAsync();
        var shots = new Screenshots(admin, nameof(An_admin_invites_a_person_who_enrols_through_the_e_mailed_link_and_the_role_change_is_recorded));
        await SignInWithPasswordAsync(admin, ClinicFixture.AdminUserName, clinic.Password);
        await admin.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.CurrentCode(clinic.AuthenticatorKeys[ClinicFixture.AdminUserName]));
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(admin).ToHaveURLAsync(new Regex("/staff$"));

        await admin.GetByRole(AriaRole.Link, new() { Name = "Accounts", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.Locator($"#accounts tr[data-account='{ClinicFixture.AdminUserName}']")).ToContainTextAsync("enrolled (authenticator app)");
        await shots.TakeAsync("01-accounts");
        await AssertAccessibleAsync(admin, "accounts page");

        await admin.GetByRole(AriaRole.Link, new() { Name = "Invite a person" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#UserName-error")).ToContainTextAsync("A user name is");
        await AssertAccessibleAsync(admin, "invitation form with errors");
        await admin.GetByLabel("User name").FillAsync(name);
        await admin.GetByLabel("E-mail address").FillAsync(email);
        await admin.GetByLabel("Admin").CheckAsync();
        await admin.GetByLabel("Staff").CheckAsync();
        await shots.TakeAsync("02-invitation");
        await AssertAccessibleAsync(admin, "invitation form");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Send the invitation" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#done")).ToContainTextAsync("The invitation is sent.");
        await Assertions.Expect(admin.Locator("#state")).ToHaveTextAsync("pending invite");
        await shots.TakeAsync("03-account");
        await AssertAccessibleAsync(admin, "account page");

        var link = AccountAdministrationTests.LinkIn(await AccountAdministrationTests.AccountMailAsync(clinic, email, "choose a password"));
        var person = await clinic.OpenPageAsync();
        await person.GotoAsync(link);
        await Assertions.Expect(person.Locator("#user-name")).ToHaveTextAsync(name);
        await AssertAccessibleAsync(person, "choose-a-password page");
        await person.GetByLabel("New password").FillAsync(passphrase);
        await person.GetByLabel("The same password again").FillAsync(passphrase);
        await person.GetByRole(AriaRole.Button, new() { Name = "Save the password" }).ClickAsync();

        // Admins must use a second factor: straight to enrolment, and nothing else until it is done.
        await Assertions.Expect(person).ToHaveURLAsync(new Regex("/account/two-factor$"));
        var key = await person.Locator("#manual-key").InnerTextAsync();
        await person.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.CurrentCode(key));
        await person.GetByRole(AriaRole.Button, new() { Name = "Turn on two-step sign-in" }).ClickAsync();
        await Assertions.Expect(person.Locator("#recovery-codes li")).ToHaveCountAsync(Clinic.Host.Accounts.RecoveryCodes.Count);
        await person.GetByRole(AriaRole.Link, new() { Name = "Continue to your work" }).ClickAsync();
        await Assertions.Expect(person).ToHaveURLAsync(new Regex("/staff$"));
        await shots.TakeAsync("04-invitee-in-staff-area");

        var again = await clinic.OpenPageAsync();
        await again.GotoAsync(link);
        await Assertions.Expect(again.Locator("#link-refused")).ToContainTextAsync("has been used already");
        await AssertAccessibleAsync(again, "used link page");

        await admin.GotoAsync($"/staff/accounts/account?name={name}");
        await Assertions.Expect(admin.Locator("#second-factor")).ToHaveTextAsync("enrolled (authenticator app)");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Change roles" }).ClickAsync();
        await AssertAccessibleAsync(admin, "roles page");
        await admin.GetByLabel("Staff").UncheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save the roles" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#roles")).ToHaveTextAsync("Admin");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Changes to this account" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#changes tbody tr").First).ToContainTextAsync("roles-changed");
        await Assertions.Expect(admin.Locator("#changes")).ToContainTextAsync("Admin (was Staff, Admin)");
        await shots.TakeAsync("05-changes");
        await AssertAccessibleAsync(admin, "account changes page");
    }
}
