using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Deadlines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Clinic.EndToEndTests;

/// <summary>The on-call schedule in a real Chromium: an admin edits it, a staff member sees the new person on call.</summary>
public sealed partial class BrowserJourneyTests
{
    [Fact]
    public async Task An_admin_edits_the_on_call_schedule_and_staff_see_the_new_person_on_call()
    {
        await OnCallScheduleTests.ClearAsync(clinic);
        try
        {
            var clinicTime = clinic.App.Services.GetRequiredService<ClinicTime>();
            var now = DateTimeOffset.UtcNow;
            var ada = await SignedInPageAsync(ClinicFixture.AdminUserName);
            var shots = new Screenshots(ada, nameof(An_admin_edits_the_on_call_schedule_and_staff_see_the_new_person_on_call));
            await ada.GetByRole(AriaRole.Link, new() { Name = "On call" }).ClickAsync();
            await ada.GetByRole(AriaRole.Link, new() { Name = "Edit the on-call schedule" }).ClickAsync();
            await AssertAccessibleAsync(ada, "on-call editor");

            var handOver = ada.GetByRole(AriaRole.Group, new() { Name = "Hand-over 1" });
            await handOver.GetByLabel("Day").SelectOptionAsync("Monday");
            await handOver.GetByLabel("Takes over at").FillAsync("09:00");
            await handOver.GetByLabel("Name").FillAsync("Rita Rotation");
            await handOver.GetByLabel("Work e-mail").FillAsync("rita-at-clinic");
            var cover = ada.GetByRole(AriaRole.Group, new() { Name = "Override 1" });
            await cover.GetByLabel("From").FillAsync(clinicTime.ToInput(now.AddHours(-1)));
            await cover.GetByLabel("Until").FillAsync(clinicTime.ToInput(now.AddHours(3)));
            await cover.GetByLabel("Name").FillAsync("Olga Override");
            await cover.GetByLabel("Work e-mail").FillAsync("olga@clinic.test");
            await cover.GetByLabel("Why").FillAsync("Swap with Rita");
            await ada.GetByRole(AriaRole.Button, new() { Name = "Save the schedule" }).ClickAsync();

            // The mistake is shown on its field, and everything typed is still there.
            await Assertions.Expect(ada.Locator("#Form_Rotation_0__Email-error")).ToHaveTextAsync(new Regex("work e-mail address"));
            await Assertions.Expect(cover.GetByLabel("Name")).ToHaveValueAsync("Olga Override");
            await shots.TakeAsync("01-editor-with-a-mistake");
            await AssertAccessibleAsync(ada, "on-call editor with errors");

            await handOver.GetByLabel("Work e-mail").FillAsync("rita@clinic.test");
            await ada.GetByRole(AriaRole.Button, new() { Name = "Save the schedule" }).ClickAsync();
            await Assertions.Expect(ada.GetByTestId("saved")).ToBeVisibleAsync();

            var sam = await SignedInPageAsync(ClinicFixture.StaffUserName);
            await sam.GetByRole(AriaRole.Link, new() { Name = "On call" }).ClickAsync();
            await Assertions.Expect(sam.GetByTestId("on-call-now")).ToContainTextAsync("Olga Override");
            await Assertions.Expect(sam.GetByTestId("on-call-now")).ToContainTextAsync("Swap with Rita");
            await Assertions.Expect(sam.GetByTestId("on-call-next")).ToContainTextAsync("Rita Rotation");
            await Assertions.Expect(sam.GetByRole(AriaRole.Link, new() { Name = "Edit the on-call schedule" })).ToHaveCountAsync(0);
            await new Screenshots(sam, nameof(An_admin_edits_the_on_call_schedule_and_staff_see_the_new_person_on_call)).TakeAsync("02-staff-see-on-call");
            await AssertAccessibleAsync(sam, "on-call page");
        }
        finally
        {
            await OnCallScheduleTests.ClearAsync(clinic);
        }
    }
}
