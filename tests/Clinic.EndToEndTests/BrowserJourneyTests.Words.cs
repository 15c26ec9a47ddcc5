using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>A person's words are never refused: what looks like code is shown back as text, and crisis help comes before any error.</summary>
public sealed partial class BrowserJourneyTests
{
    private const string CodeLikeMessage =
        "my heart is broken </3 <script>window.pwned = true; alert('pwned')</script> <img src=x onerror=\"window.pwned = true\"> '; DROP TABLE intake.mt_events; -- 1 OR 1=1 😢 a < b > c &amp;";

    private async Task FillFormAsync(IPage page, string email, string message)
    {
        await page.GetByLabel("First name").FillAsync("Robin");
        await page.GetByLabel("Last name").FillAsync("Kaʻiulani");
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Phone").FillAsync("555 010 6666");
        await page.GetByLabel("How should we contact you?").SelectOptionAsync("phone");
        await page.GetByLabel("What would you like to talk about?").SelectOptionAsync("depression");
        await page.GetByLabel("Best time to call").SelectOptionAsync("anytime");
        await page.GetByLabel("Anything you would like us to know? (optional)").FillAsync(message);
        await page.GetByLabel("I accept the terms and conditions and the privacy notice.").CheckAsync();
    }

    /// <summary>Fails the test if the page ever opens a dialog or sets the flag the message's script and onerror would set.</summary>
    private static Func<Task> WatchForInjectedScript(IPage page)
    {
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        return async () =>
        {
            Assert.Empty(dialogs);
            Assert.False(await page.EvaluateAsync<bool>("() => window.pwned === true"), "The visitor's message ran as script.");
        };
    }

    [Fact]
    public async Task A_message_that_looks_like_code_is_accepted_and_staff_see_it_as_the_words_typed()
    {
        var page = await clinic.OpenPageAsync();
        var shots = new Screenshots(page, nameof(A_message_that_looks_like_code_is_accepted_and_staff_see_it_as_the_words_typed));
        var assertNoScriptRan = WatchForInjectedScript(page);

        // A mistake elsewhere reshows the form: the message comes back in its box as typed, inert.
        await page.GotoAsync("/schedule");
        await FillFormAsync(page, "robin-at-example", CodeLikeMessage);
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Email-error")).ToHaveTextAsync(new Regex("valid e-mail address"));
        await Assertions.Expect(page.Locator("#Message-error")).ToBeEmptyAsync();
        await Assertions.Expect(page.GetByLabel("Anything you would like us to know? (optional)")).ToHaveValueAsync(CodeLikeMessage);
        await assertNoScriptRan();

        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync("robin@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Thank you — we have your request");
        var reference = await page.Locator("[data-testid=reference]").InnerTextAsync();
        await shots.TakeAsync("01-confirmation");
        var request = await clinic.RequestAsync(reference);
        Assert.Single((await clinic.EventsAsync(request.Id)).OfType<RequestSubmitted>());
        Assert.Equal(CodeLikeMessage, (await clinic.PersonalDataAsync(request.Id))!.Message);

        var staff = await SignedInPageAsync(ClinicFixture.StaffUserName);
        var assertNoScriptRanForStaff = WatchForInjectedScript(staff);
        await staff.GotoAsync($"/staff/requests/{request.Id}");
        var shown = staff.Locator("dd.message");
        await Assertions.Expect(shown).ToHaveTextAsync(CodeLikeMessage);
        await Assertions.Expect(shown).ToContainTextAsync("<script>");
        await Assertions.Expect(shown.Locator("*")).ToHaveCountAsync(0);
        await Assertions.Expect(staff.Locator("main img")).ToHaveCountAsync(0);
        await assertNoScriptRanForStaff();
        await new Screenshots(staff, nameof(A_message_that_looks_like_code_is_accepted_and_staff_see_it_as_the_words_typed)).TakeAsync("02-staff-request");
        await AssertAccessibleAsync(staff, "staff request page with a code-like message");
    }

    [Fact]
    public async Task A_visitor_in_crisis_who_mistypes_their_email_sees_crisis_resources_before_any_error()
    {
        var page = await clinic.OpenPageAsync();
        var shots = new Screenshots(page, nameof(A_visitor_in_crisis_who_mistypes_their_email_sees_crisis_resources_before_any_error));
        var before = await clinic.CountStreamsAsync();

        await page.GotoAsync("/schedule");
        await FillFormAsync(page, "robin-at-example", "I can't cope. I don't want to live anymore.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call" }).ClickAsync();

        var crisis = page.Locator("[data-testid=crisis-first]");
        await Assertions.Expect(crisis).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main > :first-child")).ToHaveAttributeAsync("data-testid", "crisis-first");
        await Assertions.Expect(crisis.GetByRole(AriaRole.Link, new() { Name = "Call 988", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(crisis.GetByRole(AriaRole.Link, new() { Name = "Call 911", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(crisis.GetByRole(AriaRole.Link, new() { Name = "Text HOME to 741741" })).ToBeVisibleAsync();
        await Assertions.Expect(crisis).ToContainTextAsync("not an emergency service");
        await Assertions.Expect(crisis).ToContainTextAsync("not been sent");

        // The errors are still there to fix, after the crisis help, and nothing was stored.
        var summary = page.Locator("#error-summary");
        await Assertions.Expect(summary).ToContainTextAsync("1 problem");
        await Assertions.Expect(page.Locator("#Email-error")).ToHaveTextAsync(new Regex("valid e-mail address"));
        Assert.True(
            await crisis.EvaluateAsync<bool>("(crisis, summary) => (crisis.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0", await summary.ElementHandleAsync()),
            "The crisis resources must come before the error summary.");
        var crisisBox = await crisis.BoundingBoxAsync();
        var summaryBox = await summary.BoundingBoxAsync();
        Assert.True(crisisBox!.Y + crisisBox.Height <= summaryBox!.Y, "The crisis resources must be shown above the error summary.");
        Assert.Equal(before, await clinic.CountStreamsAsync());
        await shots.TakeAsync("01-crisis-before-errors");
        await AssertAccessibleAsync(page, "form with errors and crisis resources");
    }
}
