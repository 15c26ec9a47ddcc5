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
            await clinic.ForgetUsedCodeAsync(userName);
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
    public async Task Staff_sign_in_to_the_inbox_see_a_new_request_appear_by_itself_and_acknowledge_it()
    {
        var page = await SignedInPageAsync(ClinicFixture.StaffUserName);
        var shots = new Screenshots(page, nameof(Staff_sign_in_to_the_inbox_see_a_new_request_appear_by_itself_and_acknowledge_it));
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff$"));
        await AssertAccessibleAsync(page, "staff inbox");
        // Its own condition's list: other tests' urgent requests never push this one onto a second page.
        await page.GotoAsync("/staff?condition=depression");
        await Assertions.Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-connected", "true");

        var (reference, _) = await SubmitForStaffAsync();
        // No reload: the list fetched itself again and says what arrived.
        await Assertions.Expect(page.Locator("#inbox-results").GetByRole(AriaRole.Link, new() { Name = reference })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#live-status")).ToContainTextAsync(reference);
        await shots.TakeAsync("01-inbox-refreshed-itself");
        await AssertAccessibleAsync(page, "staff inbox after a live refresh");

        await page.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(reference);
        await AssertAccessibleAsync(page, "staff request page");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(page.Locator("#action-done")).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.Locator("#request-status")).ToHaveTextAsync("Acknowledged");
        await shots.TakeAsync("02-acknowledged");
    }

    [Fact]
    public async Task The_inbox_announces_a_feed_item_once_when_the_feed_sends_it_again_under_its_id()
    {
        var page = await SignedInPageAsync(ClinicFixture.StaffUserName);
        // The feed is played by the test: an item, another, then the first again under its id, as a host that never saw
        // the first sends it to a browser that reconnected to it. The long retry keeps the browser from reconnecting.
        static string Item(string id, string reference) => $"id: {id}\nevent: request\ndata: {{\"reference\":\"{reference}\"}}\n\n";
        var first = Guid.NewGuid().ToString("N");
        var feed = "retry: 600000\n\nevent: ready\ndata: {}\n\n"
            + Item(first, "KC-FEED-FIRST") + Item(Guid.NewGuid().ToString("N"), "KC-FEED-SECOND") + Item(first, "KC-FEED-FIRST");
        await page.RouteAsync("**/staff/feed", route => route.FulfillAsync(new() { Status = 200, ContentType = "text/event-stream", Body = feed }));
        await page.GotoAsync("/staff?condition=depression");

        await Assertions.Expect(page.Locator("#live-status")).ToHaveTextAsync("New request KC-FEED-FIRST; New request KC-FEED-SECOND. The list is up to date.");
    }

    [Fact]
    public async Task Staff_filter_overdue_requests_and_the_list_refreshes_itself_when_a_colleague_acknowledges_one()
    {
        // An urgent request nobody acknowledged for three hours; its first-contact deadline is still ahead.
        var now = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid();
        var reference = Clinic.Modules.Intake.Domain.ReferenceNumber.New();
        await using (var session = clinic.Store.LightweightSession())
        {
            var contact = new ContactRequest("Seeded", "Visitor", "seeded.visitor@example.com", "555-010-0000", "phone", "ocd", "evening", null, false);
            session.Events.StartStream(requestId,
                new RequestSubmitted(requestId, reference, contact, "2026-01", "web", Guid.NewGuid().ToString("N"), now.AddHours(-4)),
                new RequestMarkedUrgent("test", ["test"], now.AddHours(-4)),
                new ResponseDeadlinesSet(now.AddHours(-3), now.AddHours(3), "urgent", now.AddHours(-4)));
            await Clinic.Modules.Intake.ReadModels.ReadModelLock.EnterForWriteAsync(session, CancellationToken.None);
            await session.SaveChangesAsync();
        }

        var sam = await SignedInPageAsync(ClinicFixture.StaffUserName);
        var shots = new Screenshots(sam, nameof(Staff_filter_overdue_requests_and_the_list_refreshes_itself_when_a_colleague_acknowledges_one));
        await sam.GetByLabel("Condition").SelectOptionAsync("ocd");
        await sam.GetByLabel("Overdue only").CheckAsync();
        await sam.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(sam).ToHaveURLAsync(new Regex("overdue=true"));
        var row = sam.Locator("#inbox-results tr", new() { Has = sam.GetByRole(AriaRole.Link, new() { Name = reference }) });
        await Assertions.Expect(row).ToContainTextAsync("OVERDUE");
        await Assertions.Expect(row).ToContainTextAsync("overdue by 3 h");
        await Assertions.Expect(sam.Locator("#live-status")).ToHaveAttributeAsync("data-connected", "true");
        await shots.TakeAsync("01-overdue-only");
        await AssertAccessibleAsync(sam, "overdue filter");

        var ada = await SignedInPageAsync(ClinicFixture.AdminUserName);
        await ada.GotoAsync($"/staff/requests/{requestId}");
        await ada.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(ada.Locator("#action-done")).ToBeVisibleAsync();

        // Sam's list, untouched, drops the request that is no longer overdue and says why.
        await Assertions.Expect(sam.Locator("#live-status")).ToContainTextAsync($"{reference} acknowledged");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(sam).ToHaveURLAsync(new Regex("overdue=true"));
        await shots.TakeAsync("02-refreshed-after-a-colleague-acknowledged");
        await AssertAccessibleAsync(sam, "overdue filter after a live refresh");
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

        await page.GotoAsync("/staff?condition=ocd");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = reference })).ToBeVisibleAsync();
        await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress);
    }
}
