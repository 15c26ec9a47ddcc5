using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Marten;

namespace Clinic.EndToEndTests;

/// <summary>The whole path: form → Marten → RabbitMQ → Notifications → SMTP → back into the history.</summary>
[Collection(ClinicCollection.Name)]
public sealed class IntakePathTests(ClinicFixture clinic)
{
    private static Dictionary<string, string> ValidForm(string message) => new()
    {
        ["Form.FirstName"] = "Canary-First",
        ["Form.LastName"] = "Canary-Last",
        ["Form.Email"] = "canary.visitor@example.com",
        ["Form.Phone"] = "555-010-9999",
        ["Form.PreferredContact"] = "phone",
        ["Form.Condition"] = "ptsd",
        ["Form.BestTimeToCall"] = "morning",
        ["Form.Message"] = message,
        ["Form.AcceptTerms"] = "true",
    };

    private async Task<(string Reference, Guid RequestId)> SubmitAsync(HttpClient browser, string message)
    {
        var response = await browser.PostFormAsync("/schedule", ValidForm(message));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var confirmation = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/schedule/confirmation/KC-", confirmation, StringComparison.Ordinal);

        var reference = confirmation["/schedule/confirmation/".Length..];
        var page = await browser.GetStringAsync(confirmation);
        Assert.Contains(reference, page, StringComparison.Ordinal);

        await using var session = clinic.Store.QuerySession();
        var request = await session.Query<Clinic.Modules.Intake.ReadModels.RequestReceipt>().SingleAsync(r => r.Reference == reference);
        return (reference, request.Id);
    }

    [Fact]
    public async Task A_request_is_emailed_to_staff_and_its_history_shows_submission_then_notification()
    {
        using var visitor = clinic.CreateBrowser();
        var (reference, requestId) = await SubmitAsync(visitor, "Canary-Message: evenings are hardest");

        // The e-mail reached the SMTP server, addressed to staff, without the visitor's details.
        var mail = await Eventually.GetAsync(
            async () => (await clinic.Inbox.ReadAllAsync()).FirstOrDefault(m => m.Message.Subject?.Contains(reference, StringComparison.Ordinal) == true),
            $"the staff e-mail for {reference}");
        Assert.Contains(ClinicFixture.StaffAddress, mail.EnvelopeRecipients);
        Assert.Equal(ClinicFixture.StaffAddress, Assert.Single(mail.Message.To.Mailboxes).Address);
        var body = mail.Message.TextBody ?? "";
        Assert.Contains(reference, body, StringComparison.Ordinal);
        Assert.Contains($"http://clinic.test/staff/requests/{requestId}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Canary", body, StringComparison.Ordinal);
        Assert.DoesNotContain("555-010-9999", body, StringComparison.Ordinal);

        // The request's stream holds the submission, its response deadlines, then one notification per routed channel.
        var events = await Eventually.GetAsync(
            async () =>
            {
                await using var session = clinic.Store.QuerySession();
                var stream = await session.Events.FetchStreamAsync(requestId);
                return stream.Count >= 5 ? stream : null;
            },
            $"StaffNotified for every channel in the stream of {reference}");
        Assert.IsType<RequestSubmitted>(events[0].Data);
        Assert.Equal("Canary-First", (await clinic.PersonalDataAsync(requestId))!.FirstName);
        Assert.IsType<ResponseDeadlinesSet>(events[1].Data);
        var notified = events.Skip(2).Select(e => Assert.IsType<StaffAlerted>(e.Data)).ToList();
        Assert.Equal(
            [("email", ClinicFixture.StaffAddress), ("feed", "staff-inbox"), ("webhook", ClinicFixture.WebhookName)],
            notified.Select(n => (n.Channel, n.Recipient)).Order());

        // The auditor sees all of it, in order, with type, timestamp and version.
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var history = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/requests/{requestId}/events");
        Assert.Equal(reference, history.GetProperty("reference").GetString());
        var listed = history.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["intake_request_submitted", "response_deadlines_set", "staff_notified", "staff_notified", "staff_notified"], listed.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], listed.Select(e => e.GetProperty("version").GetInt64()));
        Assert.All(listed, e => Assert.True(e.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5)));

        var page = await auditor.GetStringAsync($"/audit/requests/{requestId}");
        Assert.Contains(reference, page, StringComparison.Ordinal);
        Assert.Contains("intake_request_submitted", page, StringComparison.Ordinal);
        Assert.Contains("staff_notified", page, StringComparison.Ordinal);

        // The reference finds the same history.
        var byReference = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/requests/{reference}/events");
        Assert.Equal(requestId, byReference.GetProperty("requestId").GetGuid());
    }

    [Fact]
    public async Task The_audit_history_is_refused_to_anonymous_callers_and_to_staff_without_the_auditor_role()
    {
        using var visitor = clinic.CreateBrowser();
        var (_, requestId) = await SubmitAsync(visitor, "");

        using var anonymous = clinic.CreateBrowser();
        var api = await anonymous.GetAsync($"/api/audit/requests/{requestId}/events");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.DoesNotContain("Canary", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var page = await anonymous.GetAsync($"/audit/requests/{requestId}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/audit/requests/{requestId}/events")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_does_not_sign_in()
    {
        using var browser = clinic.CreateBrowser();
        var response = await browser.PostFormAsync("/account/login", new() { ["UserName"] = ClinicFixture.AuditorUserName, ["Password"] = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/audit/requests/x/events")).StatusCode);
    }

    [Fact]
    public async Task One_trace_spans_the_post_the_append_the_publish_the_consume_and_the_smtp_send()
    {
        using var visitor = clinic.CreateBrowser();
        var (reference, requestId) = await SubmitAsync(visitor, "");

        var submit = await Eventually.GetAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().FirstOrDefault(s =>
                s.OperationName == "intake.submit" && Equals(s.GetTagItem("clinic.request.id"), requestId))),
            $"the intake.submit span of {reference}");

        // Spans of the same trace, each from the part of the system that produced it.
        var trace = await Eventually.GetAsync(
            () =>
            {
                var spans = clinic.Spans.Snapshot().Where(s => s.TraceId == submit.TraceId).ToList();
                return Task.FromResult(spans.Any(s => s.OperationName == "smtp.send") ? spans : null);
            },
            $"the SMTP send of {reference} in the POST's trace");

        var root = Assert.Single(trace, s => s.ParentSpanId == default);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.Equal("POST", root.GetTagItem("http.request.method"));
        Assert.Contains(trace, s => s.Source.Name == "Clinic.Intake" && s.OperationName == "intake.submit");
        Assert.Contains(trace, s => s.Source.Name == "Npgsql");
        Assert.Contains(trace, s => s.Source.Name == "Clinic.Intake" && s.OperationName == "intake.forward");
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
        Assert.Contains(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer);
        Assert.Contains(trace, s => s.Source.Name == "Clinic.Notifications" && s.OperationName == "smtp.send");
    }
}
