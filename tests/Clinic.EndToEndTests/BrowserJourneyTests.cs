using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>
/// What a visitor does, in a real Chromium: read, go to the form, make mistakes, fix them, submit.
/// Screenshots of each step go to screenshots/&lt;test&gt;/ under the test output folder; every page
/// visited is checked with axe-core for serious and critical accessibility violations.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class BrowserJourneyTests(ClinicFixture clinic)
{
    private static readonly string ScreenshotRoot = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task A_visitor_reads_a_condition_fixes_two_mistakes_on_the_form_and_gets_a_reference()
    {
        var page = await clinic.OpenPageAsync();
        var shots = new Screenshots(page, nameof(A_visitor_reads_a_condition_fixes_two_mistakes_on_the_form_and_gets_a_reference));

        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Research & Science: Ketamine Treatments");
        await shots.TakeAsync("01-home");
        await AssertAccessibleAsync(page, "home");

        await page.GetByRole(AriaRole.Link, new() { Name = "Post-Traumatic Stress Disorder (PTSD)" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/conditions/ptsd$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Research articles" })).ToBeVisibleAsync();
        await shots.TakeAsync("02-condition");
        await AssertAccessibleAsync(page, "condition page");

        await page.GetByRole(AriaRole.Link, new() { Name = "Schedule a call about Post-Traumatic Stress Disorder (PTSD)" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("What would you like to talk about?")).ToHaveValueAsync("ptsd");
        await shots.TakeAsync("03-form");
        await AssertAccessibleAsync(page, "empty form");

        await page.GetByLabel("First name").FillAsync("Dana");
        await page.GetByLabel("Last name").FillAsync("Rivera");
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync("dana-at-example");
        await page.GetByLabel("Phone").FillAsync("555 010 4444");
        await page.GetByLabel("How should we contact you?").SelectOptionAsync("text");
        await page.GetByLabel("Best time to call").SelectOptionAsync("morning");
        await page.GetByLabel("Anything you would like us to know? (optional)").FillAsync("Mornings before nine, please.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call" }).ClickAsync();

        // Both mistakes are shown next to their fields, and everything typed is still there.
        await Assertions.Expect(page.Locator("#Email-error")).ToHaveTextAsync(new Regex("valid e-mail address"));
        await Assertions.Expect(page.Locator("#AcceptTerms-error")).ToHaveTextAsync(new Regex("accept our terms"));
        await Assertions.Expect(page.GetByLabel("E-mail", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("First name")).ToHaveValueAsync("Dana");
        await Assertions.Expect(page.GetByLabel("Phone")).ToHaveValueAsync("555 010 4444");
        await Assertions.Expect(page.GetByLabel("How should we contact you?")).ToHaveValueAsync("text");
        await Assertions.Expect(page.GetByLabel("Anything you would like us to know? (optional)")).ToHaveValueAsync("Mornings before nine, please.");
        await Assertions.Expect(page.Locator("#error-summary")).ToContainTextAsync("2 problems");
        await shots.TakeAsync("04-form-with-errors");
        await AssertAccessibleAsync(page, "form with errors");

        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync("dana@example.com");
        await page.GetByLabel("I accept the terms and conditions and the privacy notice.").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Thank you — we have your request");
        var reference = await page.Locator("[data-testid=reference]").InnerTextAsync();
        Assert.Matches("^KC-[0-9A-Z]{5}-[0-9A-Z]{5}$", reference);
        await shots.TakeAsync("05-confirmation");
        await AssertAccessibleAsync(page, "confirmation");

        var stored = await clinic.RequestAsync(reference);
        Assert.Equal("ptsd", stored.ConditionSlug);
        Assert.False(stored.IsUrgent);
    }

    [Fact]
    public async Task A_visitor_who_writes_about_wanting_to_die_sees_crisis_resources_first()
    {
        var page = await clinic.OpenPageAsync();
        var shots = new Screenshots(page, nameof(A_visitor_who_writes_about_wanting_to_die_sees_crisis_resources_first));

        await page.GotoAsync("/schedule");
        await page.GetByLabel("First name").FillAsync("Sam");
        await page.GetByLabel("Last name").FillAsync("Lee");
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync("sam@example.com");
        await page.GetByLabel("Phone").FillAsync("555 010 5555");
        await page.GetByLabel("How should we contact you?").SelectOptionAsync("phone");
        await page.GetByLabel("What would you like to talk about?").SelectOptionAsync("depression");
        await page.GetByLabel("Best time to call").SelectOptionAsync("anytime");
        await page.GetByLabel("Anything you would like us to know? (optional)").FillAsync("Nothing helps. I don't want to live anymore.");
        await page.GetByLabel("I accept the terms and conditions and the privacy notice.").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Request a call" }).ClickAsync();

        var crisis = page.Locator("[data-testid=crisis-first]");
        await Assertions.Expect(crisis).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Please reach out for help now");
        await Assertions.Expect(crisis.GetByRole(AriaRole.Link, new() { Name = "Call 988", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(crisis.GetByRole(AriaRole.Link, new() { Name = "Text HOME to 741741" })).ToBeVisibleAsync();

        // Crisis help is above the reference on the page, not below it.
        var crisisBox = await crisis.BoundingBoxAsync();
        var referenceBox = await page.Locator("[data-testid=reference]").BoundingBoxAsync();
        Assert.True(crisisBox!.Y + crisisBox.Height <= referenceBox!.Y, "The crisis resources must come before the reference.");
        await shots.TakeAsync("01-urgent-confirmation");
        await AssertAccessibleAsync(page, "urgent confirmation");

        var reference = await page.Locator("[data-testid=reference]").InnerTextAsync();
        Assert.True((await clinic.RequestAsync(reference)).IsUrgent);
    }

    [Fact]
    public async Task The_research_library_is_accessible_and_filters_without_javascript()
    {
        var browser = await clinic.Browsers.GetAsync();
        var context = await browser.NewContextAsync(new() { BaseURL = clinic.BaseAddress.ToString(), IgnoreHTTPSErrors = true, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        var shots = new Screenshots(page, nameof(The_research_library_is_accessible_and_filters_without_javascript));

        await page.GotoAsync("/research");
        await Assertions.Expect(page.Locator("li.citation")).ToHaveCountAsync(35);
        await page.GetByLabel("Condition").SelectOptionAsync("fibromyalgia");
        await page.GetByLabel("Search titles, authors and sources").FillAsync("ketamine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show articles" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("condition=fibromyalgia&q=ketamine"));
        await Assertions.Expect(page.Locator("#result-count")).ToHaveTextAsync(new Regex("^Showing [1-5] of 35 articles\\.$"));
        await shots.TakeAsync("01-library-filtered");

        // axe needs script, so the audit runs in a script-enabled tab on the same filtered page.
        var audit = await clinic.OpenPageAsync();
        await audit.GotoAsync("/research?condition=fibromyalgia&q=ketamine");
        await AssertAccessibleAsync(audit, "research library");
    }

    [Fact]
    public async Task Pages_work_on_a_phone_sized_screen()
    {
        var browser = await clinic.Browsers.GetAsync();
        var context = await browser.NewContextAsync(new() { BaseURL = clinic.BaseAddress.ToString(), IgnoreHTTPSErrors = true, ViewportSize = new() { Width = 375, Height = 740 } });
        var page = await context.NewPageAsync();
        var shots = new Screenshots(page, nameof(Pages_work_on_a_phone_sized_screen));

        foreach (var path in new[] { "/", "/conditions/ocd", "/schedule" })
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
            Assert.False(overflow, $"{path} scrolls sideways on a 375px-wide screen.");
            await Assertions.Expect(page.Locator("aside.crisis")).ToBeInViewportAsync();
            await shots.TakeAsync(path == "/" ? "home" : path.Trim('/').Replace('/', '-'));
        }
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe found on the {what}: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    private sealed class Screenshots(IPage page, string test)
    {
        public async Task TakeAsync(string step)
        {
            var folder = Path.Combine(ScreenshotRoot, test);
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, step + ".png"), FullPage = true });
        }
    }
}
