using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.OnCall;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Admins edit the on-call schedule in clinic time; every staff member sees who is on call; escalations resolve from it.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class OnCallScheduleTests(ClinicFixture clinic) : IAsyncLifetime
{
    private ClinicTime Time => clinic.App.Services.GetRequiredService<ClinicTime>();

    private OnCallSchedules Schedules => clinic.App.Services.GetRequiredService<OnCallSchedules>();

    public Task InitializeAsync() => ClearAsync(clinic);

    /// <summary>Other tests (escalation) expect the fallback recipients unless they set a schedule themselves.</summary>
    public Task DisposeAsync() => ClearAsync(clinic);

    internal static async Task ClearAsync(ClinicFixture clinic)
    {
        var schedules = clinic.App.Services.GetRequiredService<OnCallSchedules>();
        var current = await schedules.LoadAsync(CancellationToken.None);
        Assert.True(await schedules.SaveAsync(new OnCallSchedule(), current.Revision, "test", CancellationToken.None));
    }

    [Fact]
    public async Task An_admin_sets_the_rotation_an_override_and_the_lead_and_staff_see_who_is_on_call()
    {
        var now = DateTimeOffset.UtcNow;
        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);

        var saved = await PostEditorAsync(ada, new()
        {
            ["Form.Rotation[0].Day"] = "Monday",
            ["Form.Rotation[0].At"] = "09:00",
            ["Form.Rotation[0].Name"] = "Rita Rotation",
            ["Form.Rotation[0].Email"] = "rita@clinic.test",
            ["Form.Overrides[0].From"] = Time.ToInput(now.AddHours(-1)),
            ["Form.Overrides[0].Until"] = Time.ToInput(now.AddHours(2)),
            ["Form.Overrides[0].Name"] = "Olga Override",
            ["Form.Overrides[0].Email"] = "olga@clinic.test",
            ["Form.Overrides[0].Reason"] = "Holiday cover",
            ["Form.LeadName"] = "Lee Lead",
            ["Form.LeadEmail"] = "lead@clinic.test",
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/staff/on-call?saved=true", saved.Headers.Location!.OriginalString);
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var page = WebUtility.HtmlDecode(await sam.GetStringAsync("/staff/on-call"));
        Assert.Contains("<strong>Olga Override</strong>", Section(page, "on-call-now"), StringComparison.Ordinal);
        Assert.Contains("(Holiday cover)", Section(page, "on-call-now"), StringComparison.Ordinal);
        Assert.Contains("<strong>Rita Rotation</strong>", Section(page, "on-call-next"), StringComparison.Ordinal);
        Assert.Contains("<strong>Lee Lead</strong>", Section(page, "clinic-lead"), StringComparison.Ordinal);
        Assert.DoesNotContain("/staff/on-call/edit", page, StringComparison.Ordinal);

        var roster = clinic.App.Services.GetRequiredService<IOnCallRoster>();
        Assert.Equal(
            ["olga@clinic.test", "rita@clinic.test", "lead@clinic.test"],
            await roster.ResolveAsync(["on-call", "next-on-call", "clinic-lead"], now, CancellationToken.None));
    }

    [Fact]
    public async Task Mistakes_are_shown_on_their_fields_and_nothing_is_saved()
    {
        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);

        var refused = await PostEditorAsync(ada, new()
        {
            ["Form.Rotation[0].Day"] = "Monday",
            ["Form.Rotation[0].At"] = "09:00",
            ["Form.Rotation[0].Name"] = "Rita Rotation",
            ["Form.Rotation[0].Email"] = "rita-at-clinic",
            ["Form.Overrides[0].From"] = "2026-03-08T02:30",
            ["Form.Overrides[0].Until"] = "2026-03-09T09:00",
            ["Form.Overrides[0].Name"] = "Olga Override",
            ["Form.Overrides[0].Email"] = "olga@clinic.test",
            ["Form.Overrides[0].Reason"] = "Swap",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Matches("id=\"Form_Rotation_0__Email-error\"[^>]*>Enter the person's work e-mail address", html);
        Assert.Matches("id=\"Form_Overrides_0__From-error\"[^>]*>Sunday 8 March, 2:30 a.m. does not exist in Eastern Time", html);
        Assert.Contains("value=\"rita-at-clinic\"", html, StringComparison.Ordinal);
        Assert.Empty((await Schedules.LoadAsync(CancellationToken.None)).Rotation);
    }

    [Fact]
    public async Task A_save_over_a_colleagues_newer_schedule_is_refused_as_a_conflict()
    {
        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var stale = await EditorHiddenFieldsAsync(ada);
        var first = await PostEditorAsync(ada, Lead("First Lead", "first@clinic.test"));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        var second = await ada.PostAsync("/staff/on-call/edit", new FormUrlEncodedContent(stale.Concat(Lead("Second Lead", "second@clinic.test"))));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("Another admin saved the on-call schedule", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("first@clinic.test", (await Schedules.LoadAsync(CancellationToken.None)).Lead?.Email);
    }

    [Fact]
    public async Task Staff_who_are_not_admins_cannot_save_the_schedule()
    {
        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var hidden = await EditorHiddenFieldsAsync(ada);
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var response = await sam.PostAsync("/staff/on-call/edit", new FormUrlEncodedContent(hidden.Concat(Lead("Sam", "sam@clinic.test"))));

        Assert.NotEqual("/staff/on-call?saved=true", response.Headers.Location?.OriginalString);
        Assert.Null((await Schedules.LoadAsync(CancellationToken.None)).Lead);
    }

    /// <summary>The editor form's own hidden fields (token, revision, unticked checkboxes), as a browser would send them.</summary>
    private static async Task<Dictionary<string, string>> EditorHiddenFieldsAsync(HttpClient admin)
    {
        var html = await admin.GetStringAsync("/staff/on-call/edit");
        var form = html[html.IndexOf("class=\"on-call-form\"", StringComparison.Ordinal)..];
        form = form[..form.IndexOf("</form>", StringComparison.Ordinal)];
        return HiddenInput().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
    }

    private static async Task<HttpResponseMessage> PostEditorAsync(HttpClient admin, Dictionary<string, string> fields)
    {
        var hidden = await EditorHiddenFieldsAsync(admin);
        return await admin.PostAsync("/staff/on-call/edit", new FormUrlEncodedContent(fields.Concat(hidden.Where(h => !fields.ContainsKey(h.Key)))));
    }

    [GeneratedRegex("<input (?=[^>]*type=\"hidden\")(?=[^>]*name=\"(?<name>[^\"]+)\")(?=[^>]*value=\"(?<value>[^\"]*)\")[^>]*>")]
    private static partial Regex HiddenInput();

    private static Dictionary<string, string> Lead(string name, string email) => new() { ["Form.LeadName"] = name, ["Form.LeadEmail"] = email };

    private static string Section(string page, string testId)
    {
        var start = page.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No {testId} on the page.");
        return page[start..page.IndexOf("</dd>", start, StringComparison.Ordinal)];
    }
}
