using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task Staff_open_the_response_time_page_from_the_inbox_and_see_the_chart_and_its_table()
    {
        var (week, t) = ResponseTimesTests.WeekAgo(clinic, 3);
        await ResponseTimesTests.SeedAsync(clinic, t, urgent: true, later: [new RequestAcknowledged("sam.staff", t.AddMinutes(4))]);
        await ResponseTimesTests.SeedAsync(clinic, t, urgent: false, later: [new ContactAttempted("reached", "sam.staff", t.AddHours(2))]);

        var page = await SignedInPageAsync(ClinicFixture.StaffUserName);
        var shots = new Screenshots(page, nameof(Staff_open_the_response_time_page_from_the_inbox_and_see_the_chart_and_its_table));
        await page.GetByRole(AriaRole.Link, new() { Name = "Response times per week" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/response-times$"));

        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Share of response deadlines met, per week, urgent and routine" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        Assert.True(await page.Locator("#response-chart rect.bar").CountAsync() >= 2);
        var day = week.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator($"tr[data-week='{day}'][data-priority='urgent'] td").Nth(2)).ToHaveTextAsync("4 min");
        await shots.TakeAsync("01-response-times");
        await AssertAccessibleAsync(page, "response-time page");

        await page.GetByLabel("Show the last").SelectOptionAsync("4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("weeks=4$"));
        await Assertions.Expect(page.Locator("table.response-times tbody tr")).ToHaveCountAsync(8);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download these figures (CSV)" })).ToHaveAttributeAsync("href", "/staff/response-times.csv?weeks=4");
        await shots.TakeAsync("02-four-weeks");
    }
}
