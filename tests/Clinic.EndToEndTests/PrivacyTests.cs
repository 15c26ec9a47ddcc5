using System.Net.Http.Json;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;

namespace Clinic.EndToEndTests;

/// <summary>Visitors' details never reach logs, traces or metrics, even on the paths that fail on purpose.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class PrivacyTests(ClinicFixture clinic)
{
    [Fact]
    public async Task Canary_values_in_every_field_appear_in_no_log_line_no_span_and_no_metric()
    {
        string[] canaries = ["Zyxcanaryfirst", "Zyxcanarylast", "zyx.canary@example.com", "555 0199 7777", "Zyxcanary message text"];
        var form = Visitor.Form(firstName: canaries[0], message: canaries[4], acknowledge: true, email: canaries[2]);
        form["Form.LastName"] = canaries[1];
        form["Form.Phone"] = canaries[3];

        var linesBefore = clinic.Logs.Lines.Count;

        // A double submit of one form, and a reused API key: both take the failing-on-purpose paths.
        using var visitor = clinic.CreateBrowser();
        var page = await FormPage.OpenAsync(visitor, "/schedule");
        var reference = Visitor.ReferenceOf(await page.SubmitAsync(form));
        Visitor.ReferenceOf(await page.SubmitAsync(form));
        var body = new Dictionary<string, object>
        {
            ["firstName"] = canaries[0],
            ["lastName"] = canaries[1],
            ["email"] = canaries[2],
            ["phone"] = canaries[3],
            ["preferredContact"] = "phone",
            ["condition"] = "ocd",
            ["bestTimeToCall"] = "morning",
            ["message"] = canaries[4],
            ["acceptTerms"] = true,
        };
        var key = Guid.NewGuid().ToString();
        await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/intake/requests") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", key } } });
        body["message"] = canaries[4] + " changed";
        await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/intake/requests") { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", key } } });

        await clinic.MailAboutAsync(reference, canaries[2]);
        var requestId = (await clinic.RequestAsync(reference)).Id;
        await Eventually.TrueAsync(async () => (await clinic.EventsAsync(requestId)).OfType<StaffAlerted>().Count() >= 3, "the deliveries");

        // The capture saw this test's own requests handled (so the checks below can fail): the double submit's
        // stream collision, the one failure whose command Marten's default logger would write with every value,
        // and the alert for this very request reaching the staff feed.
        var linesOfThisTest = clinic.Logs.Lines.Skip(linesBefore).ToList();
        Assert.Contains(linesOfThisTest, l => l.Contains("A Marten command failed", StringComparison.Ordinal));
        Assert.Contains(linesOfThisTest, l => l.Contains($"Pushed the alert for {reference}", StringComparison.Ordinal));
        // Webhook URLs can hold their secret in the path (Slack, Teams), so they are never logged either.
        Assert.DoesNotContain(clinic.Logs.Lines, l => l.Contains(clinic.Webhooks.Url.AbsolutePath, StringComparison.Ordinal));
        // The scrape endpoint holds counts and timings only: no canary, no reference, no request id, no condition.
        var metrics = (await clinic.ScrapeAsync()).Text;
        Assert.Contains("clinic_intake_requests_submitted_total", metrics, StringComparison.Ordinal);
        foreach (var value in canaries.Concat([reference, requestId.ToString(), requestId.ToString("N"), "ptsd"]))
        {
            Assert.DoesNotContain(value, metrics, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var canary in canaries)
        {
            Assert.DoesNotContain(clinic.Logs.Lines, l => l.Contains(canary, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(clinic.Spans.Snapshot(), s =>
                s.DisplayName.Contains(canary, StringComparison.OrdinalIgnoreCase) ||
                s.TagObjects.Any(t => t.Value?.ToString()?.Contains(canary, StringComparison.OrdinalIgnoreCase) == true) ||
                s.Events.Any(e => e.Tags.Any(t => t.Value?.ToString()?.Contains(canary, StringComparison.OrdinalIgnoreCase) == true)));
        }
    }
}
