using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>What staff do, in a real Chromium: sign in, work the inbox, meet a colleague's change, rescue a request from spam.</summary>
public sealed partial class BrowserJourneyTests
{
    private async Task<IPage> SignedInPageAsync(string userName)
    {
        var page = await clinic.OpenPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(clinic.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        if (clinic.AuthenticatorKeys.TryGetValue(userName, out var key))
        {
            await page.GetByLabel("Code from your authenticator app").FillAsync(ClinicFixture.CurrentCode(key));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        }

        return page;
    }

    private Task<(string Reference, Guid RequestId)> SubmitForStaffAsync(bool spam = false, string condition = "depression")
    {
        var form = Visitor.Form(condition: condition);
        if (spam)
        {
            form["Fax"] = "http://cheap-pills.example";
        }

        return clinic.SubmitAndSettleAsync(form, alerts: spam ? 0 : 3);
    }

    [Fact]
    public async Task Staff_sign_in_to_the_inbox_hear_of_new_requests_live_and_acknowledge_one()
    {
        var page = await SignedInPageAsync(ClinicFixture.StaffUserName);
        var shots = new Screenshots(page, nameof(Staff_sign_in_to_the_inbox_hear_of_new_requests_live_and_acknowledge_one));
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await Assertions.Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-connected", "true");
        await AssertAccessibleAsync(page, "staff inbox");

        var (reference, _) = await SubmitForStaffAsync();
        await Assertions.Expect(page.Locator("#live-status")).ToContainTextAsync(reference);
        await shots.TakeAsync("01-inbox-live-notice");

        await page.Locator("#live-status a").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(reference);
        await AssertAccessibleAsync(page, "staff request page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(page.Locator("#action-done")).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.Locator("#request-status")).ToHaveTextAsync("Acknowledged");
        await shots.TakeAsync("02-acknowledged");
    }

    [Fact]
    public async Task A_stale_screen_gets_a_conflict_message_instead_of_overwriting_a_colleagues_action()
    {
        var (reference, requestId) = await SubmitForStaffAsync();
        var sam = await SignedInPageAsync(ClinicFixture.StaffUserName);
        var ada = await SignedInPageAsync(ClinicFixture.AdminUserName);
        await sam.GotoAsync($"/staff/requests/{requestId}");
        await ada.GotoAsync($"/staff/requests/{requestId}");

        await ada.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(ada.Locator("#action-done")).ToBeVisibleAsync();

        await sam.GetByLabel("Assign to").FillAsync("sam.staff");
        await sam.GetByRole(AriaRole.Button, new() { Name = "Assign" }).ClickAsync();
        await Assertions.Expect(sam.Locator("#action-problem")).ToContainTextAsync("changed while you were looking at it");
        await Assertions.Expect(sam.Locator("#request-status")).ToHaveTextAsync("Acknowledged");
        await new Screenshots(sam, nameof(A_stale_screen_gets_a_conflict_message_instead_of_overwriting_a_colleagues_action)).TakeAsync("01-conflict");
        Assert.Empty((await clinic.EventsAsync(requestId)).OfType<RequestAssigned>());
        Assert.Contains(reference, await sam.TitleAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_genuine_request_is_restored_from_the_spam_folder_and_staff_are_alerted()
    {
        var (reference, _) = await SubmitForStaffAsync(spam: true, condition: "ocd");
        var page = await SignedInPageAsync(ClinicFixture.StaffUserName);
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Spam folder") }).ClickAsync();
        await AssertAccessibleAsync(page, "spam folder");
        await page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Not spam" }).ClickAsync();
        await Assertions.Expect(page.Locator("#action-done")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Not spam" })).ToHaveCountAsync(0);

        await page.GotoAsync("/staff");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = reference })).ToBeVisibleAsync();
        await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress);
    }
}
