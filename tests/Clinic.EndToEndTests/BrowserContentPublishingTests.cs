using Clinic.EndToEndTests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>The editors of the highlights, the crisis resources and the text pages, in a real browser: axe finds nothing serious.</summary>
[Collection(ClinicCollection.Name)]
public sealed class BrowserContentPublishingTests(ClinicFixture clinic)
{
    [Fact]
    public async Task The_publishing_editors_have_no_serious_accessibility_problems_including_with_field_errors()
    {
        var page = await clinic.OpenPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("User name").FillAsync(ClinicFixture.EditorUserName);
        await page.GetByLabel("Password").FillAsync(clinic.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/staff/content"));

        foreach (var path in new[] { "/staff/content/edit/highlights", "/staff/content/edit/crisis-resources", "/staff/content/edit/page/terms", "/staff/content/edit/page/privacy" })
        {
            await page.GotoAsync(path);
            await AssertAccessibleAsync(page, path);
        }

        // The same page with field-level errors (a javascript: link refused); nothing is saved.
        await page.GotoAsync("/staff/content/edit/crisis-resources");
        await page.Locator("#Form_Resources_0__Actions_0__Href").FillAsync("javascript:alert(1)");
        await page.Locator("#Form_Resources_0__Title").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the draft" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Form_Resources_0__Actions_0__Href-error")).ToContainTextAsync("The link must be a phone number");
        await Assertions.Expect(page.Locator("#Form_Resources_0__Title")).ToHaveAttributeAsync("aria-invalid", "true");
        await AssertAccessibleAsync(page, "crisis resources editor with errors");
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe found on the {what}: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }
}
