using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>The visitor is told when to expect a call, from the deadline the response policy stored with the request.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class ResponsePromiseTests(ClinicFixture clinic)
{
    private ClinicTime Time => clinic.App.Services.GetRequiredService<ClinicTime>();

    [Fact]
    public async Task The_confirmation_page_and_the_acknowledgement_email_promise_the_stored_first_contact_time()
    {
        const string address = "promise.routine@example.com";
        using var visitor = clinic.CreateBrowser();
        var response = await visitor.PostFormAsync("/schedule", Visitor.Form(firstName: "Priya", acknowledge: true, email: address));
        var reference = Visitor.ReferenceOf(response);
        var request = await clinic.RequestAsync(reference);
        var deadlines = Assert.Single((await clinic.EventsAsync(request.Id)).OfType<ResponseDeadlinesSet>());
        var promised = $"{Time.FormatWithoutZone(deadlines.FirstContactBy)} (Eastern Time)";

        var page = WebUtility.HtmlDecode(await visitor.GetStringAsync(response.Headers.Location!.OriginalString));
        Assert.Contains($"We will call you by <strong>{promised}</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("usually within one business day", page, StringComparison.Ordinal);

        var mail = await clinic.MailAboutAsync(reference, address);
        var body = Regex.Replace(mail.Message.TextBody ?? "", @"\s+", " ");
        Assert.Contains($"will call you by {promised}", body, StringComparison.Ordinal);
        Assert.DoesNotContain("usually within one business day", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_urgent_confirmation_says_it_is_not_an_emergency_service_and_gives_crisis_lines_before_the_promise()
    {
        using var visitor = clinic.CreateBrowser();
        var response = await visitor.PostFormAsync("/schedule", Visitor.Form(message: "Nothing helps. I want to die."));
        var reference = Visitor.ReferenceOf(response);
        var request = await clinic.RequestAsync(reference);
        var deadlines = Assert.Single((await clinic.EventsAsync(request.Id)).OfType<ResponseDeadlinesSet>());
        Assert.Equal("urgent", deadlines.Policy);

        var html = await visitor.GetStringAsync(response.Headers.Location!.OriginalString);
        var main = WebUtility.HtmlDecode(html[html.IndexOf("<main", StringComparison.Ordinal)..]);
        var crisisLines = main.IndexOf("href=\"tel:988\"", StringComparison.Ordinal);
        var notEmergency = main.IndexOf("This form is not an emergency service.", StringComparison.Ordinal);
        var promise = main.IndexOf($"We will call you by <strong>{Time.FormatWithoutZone(deadlines.FirstContactBy)} (Eastern Time)</strong>", StringComparison.Ordinal);
        Assert.True(crisisLines >= 0, "No 988 link on the urgent confirmation.");
        Assert.Contains("href=\"tel:911\"", main, StringComparison.Ordinal);
        Assert.Contains("href=\"sms:741741\"", main, StringComparison.Ordinal);
        Assert.True(notEmergency > crisisLines, "The page must say plainly, after the crisis lines, that the form is not an emergency service.");
        Assert.True(promise > notEmergency, "The promise must come after the crisis help and the not-an-emergency sentence.");
    }

    [Fact]
    public async Task A_request_restored_from_the_spam_folder_gets_deadlines_from_that_moment_and_its_visitor_the_promise()
    {
        const string address = "promise.restored@example.com";
        var form = Visitor.Form(firstName: "Rosa", acknowledge: true, email: address);
        form["Fax"] = "http://cheap-pills.example";
        var (reference, requestId) = await clinic.SubmitAndSettleAsync(form, alerts: 0);
        Assert.Empty((await clinic.EventsAsync(requestId)).OfType<ResponseDeadlinesSet>());

        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var page = await sam.GetStringAsync($"/staff/requests/{requestId}");
        var cleared = await sam.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["Form.Version"] = SeenVersion().Match(page).Groups[1].Value,
            ["Form.Action"] = "not-spam",
        }));
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);

        var events = await clinic.EventsAsync(requestId);
        var restored = Assert.Single(events.OfType<SpamCleared>());
        var deadlines = Assert.Single(events.OfType<ResponseDeadlinesSet>());
        Assert.Equal(("routine", restored.At), (deadlines.Policy, deadlines.SetAt));
        Assert.Equal(events.ToList().IndexOf(restored) + 1, events.ToList().IndexOf(deadlines));

        var mail = await clinic.MailAboutAsync(reference, address);
        Assert.Contains($"will call you by {Time.FormatWithoutZone(deadlines.FirstContactBy)} (Eastern Time)", Regex.Replace(mail.Message.TextBody ?? "", @"\s+", " "), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
