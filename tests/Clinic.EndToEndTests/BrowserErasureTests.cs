using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>Erasure on a person's request as two admins meet it in Chromium: one asks, only another approves.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task One_admin_asks_for_an_erasure_cannot_approve_it_herself_and_a_second_admin_approves_it()
    {
        var email = $"nell.{Guid.NewGuid():N}"[..16] + "@example.com";
        var (reference, id) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Nellwyn", email: email));

        var ada = await SignedInAdminAsync(ClinicFixture.AdminUserName);
        var shots = new Screenshots(ada, nameof(One_admin_asks_for_an_erasure_cannot_approve_it_herself_and_a_second_admin_approves_it));
        await ada.GotoAsync("/staff/privacy");
        await AssertAccessibleAsync(ada, "privacy page");
        await ada.GetByLabel("E-mail address").FillAsync(email);
        await ada.GetByRole(AriaRole.Button, new() { Name = "Find their requests" }).ClickAsync();
        await Assertions.Expect(ada.Locator("#found-requests")).ToContainTextAsync(reference);
        await Assertions.Expect(ada.GetByLabel($"Erase {reference}")).ToBeCheckedAsync();
        await shots.TakeAsync("01-found");
        await AssertAccessibleAsync(ada, "a person's requests");
        await ada.Locator("#Reason").FillAsync("Asked by e-mail on 2026-11-30");
        await ada.GetByRole(AriaRole.Button, new() { Name = "Ask for erasure" }).ClickAsync();
        await Assertions.Expect(ada.Locator("#privacy-done")).ToContainTextAsync("Another admin must approve it.");
        var pending = ada.Locator("#pending-erasures li", new() { HasText = reference });
        await Assertions.Expect(pending).ToContainTextAsync("you asked");
        await pending.GetByRole(AriaRole.Button, new() { Name = "Approve erasure" }).ClickAsync();
        await Assertions.Expect(ada.Locator("#privacy-problem")).ToContainTextAsync("another admin must approve it");
        await shots.TakeAsync("02-own-approval-refused");
        Assert.Empty((await clinic.EventsAsync(id)).OfType<PersonalDataErased>());

        var bo = await SignedInAdminAsync(ClinicFixture.SecondAdminUserName);
        await bo.GotoAsync("/staff/privacy");
        await bo.Locator("#pending-erasures li", new() { HasText = reference }).GetByRole(AriaRole.Button, new() { Name = "Approve erasure" }).ClickAsync();
        await Assertions.Expect(bo.Locator("#privacy-done")).ToContainTextAsync("Erasure approved");
        await bo.GotoAsync($"/staff/requests/{id}");
        await Assertions.Expect(bo.Locator("#visitor-erased")).ToContainTextAsync(new Regex(@"erased on \d{4}-\d{2}-\d{2} \(request\)"));
        await Assertions.Expect(bo.Locator("main")).Not.ToContainTextAsync("Nellwyn");
        await shots.TakeAsync("03-erased");
        await AssertAccessibleAsync(bo, "an erased request");

        var fact = Assert.Single((await clinic.EventsAsync(id)).OfType<PersonalDataErased>());
        Assert.Equal((ClinicFixture.AdminUserName, ClinicFixture.SecondAdminUserName), (fact.By, fact.ApprovedBy));
    }

    private async Task<IPage> SignedInAdminAsync(string userName)
    {
        var page = await clinic.OpenPageAsync();
        await clinic.ForgetUsedCodeAsync(userName);
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(clinic.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.CurrentCode(clinic.AuthenticatorKeys[userName]));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        return page;
    }
}
