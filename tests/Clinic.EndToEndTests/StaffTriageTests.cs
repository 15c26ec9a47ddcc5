using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Triage;
using Marten;

namespace Clinic.EndToEndTests;

[Collection(ClinicCollection.Name)]
public sealed partial class StaffTriageTests(ClinicFixture clinic)
{
    private Task<(string Reference, Guid RequestId)> SubmitAsync(string condition = "ocd", string message = "Evenings are best.", bool spam = false)
    {
        var form = Visitor.Form(condition: condition, message: message, firstName: "Tomasz");
        if (spam)
        {
            form["Fax"] = "http://cheap-pills.example";
        }

        return clinic.SubmitAndSettleAsync(form, alerts: spam ? 0 : 3);
    }

    private static async Task<HttpResponseMessage> ActAsync(HttpClient staff, Guid requestId, Dictionary<string, string> fields, long? version = null)
    {
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        var token = Token().Match(page).Groups[1].Value;
        var seen = version ?? long.Parse(SeenVersion().Match(page).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var body = new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create("Form." + f.Key, f.Value)))
        {
            ["__RequestVerificationToken"] = token,
            ["Form.Version"] = seen.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return await staff.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(body));
    }

    [Fact]
    public async Task The_inbox_lists_urgent_requests_first_and_filters_by_condition_and_status()
    {
        var (routine, _) = await SubmitAsync(condition: "bipolar-depression");
        var (urgent, _) = await SubmitAsync(condition: "bipolar-depression", message: "I keep thinking about killing myself.");
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        var inbox = await staff.GetStringAsync("/staff?condition=bipolar-depression");
        Assert.True(inbox.IndexOf(urgent, StringComparison.Ordinal) < inbox.IndexOf(routine, StringComparison.Ordinal), "urgent should be listed first");
        Assert.DoesNotContain("Evenings are best", inbox, StringComparison.Ordinal);

        var closedOnly = await staff.GetStringAsync("/staff?condition=bipolar-depression&status=Closed");
        Assert.DoesNotContain(routine, closedOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_action_is_recorded_with_its_actor_and_a_stale_one_is_refused_as_a_conflict_without_saving()
    {
        var (reference, requestId) = await SubmitAsync();
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        using var ada = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var samSaw = long.Parse(SeenVersion().Match(await sam.GetStringAsync($"/staff/requests/{requestId}")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var acknowledged = await ActAsync(ada, requestId, new() { ["Action"] = "acknowledge" });
        Assert.Equal(HttpStatusCode.Redirect, acknowledged.StatusCode);

        var stale = await ActAsync(sam, requestId, new() { ["Action"] = "assign", ["To"] = "sam.staff" }, version: samSaw);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("changed while you were looking at it", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var events = await clinic.EventsAsync(requestId);
        Assert.Equal("ada.admin", Assert.Single(events.OfType<RequestAcknowledged>()).By);
        Assert.Empty(events.OfType<RequestAssigned>());
        var request = await clinic.RequestAsync(reference);
        Assert.Equal((RequestStatus.Acknowledged, "ada.admin"), (request.Status, request.AssignedTo));
    }

    [Fact]
    public async Task A_delivery_report_arriving_while_staff_read_a_request_does_not_refuse_their_action()
    {
        var (reference, requestId) = await SubmitAsync();
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var samSaw = long.Parse(SeenVersion().Match(await sam.GetStringAsync($"/staff/requests/{requestId}")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Notifications reports a late delivery and a failed one while Sam reads the page.
        await using (var session = clinic.Store.LightweightSession())
        {
            session.Events.Append(requestId,
                new StaffAlerted("sms", "on-call-2@clinic.test", DateTimeOffset.UtcNow),
                new NotificationFailed("email", "backup@clinic.test", "relay refused", false, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        var acknowledged = await ActAsync(sam, requestId, new() { ["Action"] = "acknowledge" }, version: samSaw);

        Assert.True(acknowledged.StatusCode == HttpStatusCode.Redirect, $"{acknowledged.StatusCode}: {await acknowledged.Content.ReadAsStringAsync()}");
        Assert.Equal("sam.staff", Assert.Single((await clinic.EventsAsync(requestId)).OfType<RequestAcknowledged>()).By);
        var page = await sam.GetStringAsync($"/staff/requests/{requestId}");
        Assert.Contains("<dd id=\"request-status\">Acknowledged</dd>", page, StringComparison.Ordinal);
        Assert.Contains("on-call-2@clinic.test", page, StringComparison.Ordinal);
        Assert.Contains(reference, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_work_a_request_through_to_closed_and_every_step_is_in_its_history()
    {
        var (_, requestId) = await SubmitAsync();
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var when = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var step in new Dictionary<string, string>[]
        {
            new() { ["Action"] = "acknowledge" },
            new() { ["Action"] = "contact", ["Outcome"] = "no-answer" },
            new() { ["Action"] = "schedule", ["When"] = when },
            new() { ["Action"] = "note", ["Text"] = "Prefers a female clinician." },
            new() { ["Action"] = "close" },
        })
        {
            var response = await ActAsync(sam, requestId, step);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{step["Action"]}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var refused = await ActAsync(sam, requestId, new() { ["Action"] = "assign", ["To"] = "ada.admin" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("only notes can be added", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var page = await sam.GetStringAsync($"/staff/requests/{requestId}");
        foreach (var expected in new[] { "RequestAcknowledged by sam.staff", "ContactAttempted: no-answer, by sam.staff", "CallScheduled for", "NoteAdded by sam.staff: Prefers a female clinician.", "RequestClosed by sam.staff", "Tomasz Rivera", "555-010-2222" })
        {
            Assert.Contains(expected, System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Not_spam_moves_a_request_into_the_inbox_and_alerts_staff()
    {
        var (reference, requestId) = await SubmitAsync(condition: "fibromyalgia", spam: true);
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        Assert.Contains(reference, await sam.GetStringAsync("/staff/spam"), StringComparison.Ordinal);
        Assert.DoesNotContain(reference, await sam.GetStringAsync("/staff?condition=fibromyalgia"), StringComparison.Ordinal);

        var cleared = await ActAsync(sam, requestId, new() { ["Action"] = "not-spam" });
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);

        Assert.Contains(reference, await sam.GetStringAsync("/staff?condition=fibromyalgia"), StringComparison.Ordinal);
        Assert.DoesNotContain(reference, await sam.GetStringAsync("/staff/spam"), StringComparison.Ordinal);
        await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress);
    }

    [Fact]
    public async Task Opening_a_request_is_recorded_in_the_access_log()
    {
        var (reference, requestId) = await SubmitAsync();
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        await sam.GetStringAsync($"/staff/requests/{requestId}");

        await using var session = clinic.Store.QuerySession();
        var access = await session.Query<PersonalDataAccess>().Where(a => a.RequestId == requestId).ToListAsync();
        var seen = Assert.Single(access);
        Assert.Equal(("sam.staff", reference), (seen.ViewedBy, seen.Reference));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
