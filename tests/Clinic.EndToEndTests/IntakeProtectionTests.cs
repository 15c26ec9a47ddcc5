using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.CrisisLanguage;
using Clinic.Modules.Intake.Domain;

namespace Clinic.EndToEndTests;

/// <summary>Spam, double submits, floods and crisis language: what the form does so the clinic can trust it.</summary>
[Collection(ClinicCollection.Name)]
public sealed class IntakeProtectionTests(ClinicFixture clinic)
{
    [Fact]
    public async Task A_filled_honeypot_gets_the_normal_confirmation_is_kept_as_suspected_spam_and_alerts_no_one()
    {
        using var bot = clinic.CreateBrowser();
        var form = Visitor.Form(firstName: "Spammy");
        form["Fax"] = "http://cheap-pills.example";
        var spamReference = Visitor.ReferenceOf(await bot.PostFormAsync("/schedule", form));

        var confirmation = await bot.GetStringAsync($"/schedule/confirmation/{spamReference}");
        Assert.Contains("Thank you — we have your request", confirmation, StringComparison.Ordinal);

        var spam = await clinic.RequestAsync(spamReference);
        Assert.True(spam.IsSuspectedSpam);
        var stored = Assert.IsType<SuspectedSpamReceived>(Assert.Single(await clinic.EventsAsync(spam.Id)));
        Assert.Equal("Spammy", (await clinic.PersonalDataAsync(spam.Id))!.FirstName);
        Assert.Equal("honeypot field filled", stored.Reason);

        // A real request submitted afterwards is forwarded after the spam's place in the event order;
        // once staff have its e-mail, an e-mail for the spam would have been sent too.
        using var person = clinic.CreateBrowser();
        var realReference = Visitor.ReferenceOf(await person.PostFormAsync("/schedule", Visitor.Form()));
        await clinic.MailAboutAsync(realReference, ClinicFixture.StaffAddress);
        Assert.DoesNotContain(await clinic.Inbox.ReadAllAsync(), m => m.Message.Subject?.Contains(spamReference, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Submitting_the_same_form_twice_creates_one_request()
    {
        using var visitor = clinic.CreateBrowser();
        var page = await FormPage.OpenAsync(visitor, "/schedule");
        Assert.True(Guid.TryParse(page.Hidden["FormInstanceId"], out _));
        var before = await clinic.CountStreamsAsync();

        var first = Visitor.ReferenceOf(await page.SubmitAsync(Visitor.Form()));
        var second = Visitor.ReferenceOf(await page.SubmitAsync(Visitor.Form()));

        Assert.Equal(first, second);
        Assert.Equal(before + 1, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task The_same_form_sent_again_with_different_answers_is_a_new_request()
    {
        using var visitor = clinic.CreateBrowser();
        var page = await FormPage.OpenAsync(visitor, "/schedule");

        var first = Visitor.ReferenceOf(await page.SubmitAsync(Visitor.Form(message: "First try.")));
        var edited = Visitor.ReferenceOf(await page.SubmitAsync(Visitor.Form(message: "Second, edited.")));

        Assert.NotEqual(first, edited);
    }

    [Fact]
    public async Task Crisis_language_marks_the_request_urgent_shows_crisis_help_first_and_flags_the_staff_alert()
    {
        using var visitor = clinic.CreateBrowser();
        var reference = Visitor.ReferenceOf(await visitor.PostFormAsync("/schedule", Visitor.Form(message: "Honestly some nights I want to die.")));

        var page = await visitor.GetStringAsync($"/schedule/confirmation/{reference}");
        var crisisAt = page.IndexOf("data-testid=\"crisis-first\"", StringComparison.Ordinal);
        var referenceAt = page.IndexOf("data-testid=\"reference\"", StringComparison.Ordinal);
        Assert.InRange(crisisAt, 0, referenceAt);
        Assert.Contains("tel:988", page[crisisAt..referenceAt], StringComparison.Ordinal);
        Assert.Contains("sms:741741", page[crisisAt..referenceAt], StringComparison.Ordinal);

        var request = await clinic.RequestAsync(reference);
        var urgent = Assert.IsType<RequestMarkedUrgent>((await clinic.EventsAsync(request.Id))[1]);
        Assert.Equal(CrisisLanguageRules.LoadEmbedded().Version, urgent.RuleSetVersion);
        Assert.Contains("want-to-die", urgent.MatchedRules);

        var alert = await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress);
        Assert.StartsWith("URGENT", alert.Message.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("want to die", alert.Message.TextBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_ordinary_request_is_not_urgent()
    {
        using var visitor = clinic.CreateBrowser();
        var reference = Visitor.ReferenceOf(await visitor.PostFormAsync("/schedule", Visitor.Form()));

        var page = await visitor.GetStringAsync($"/schedule/confirmation/{reference}");
        Assert.DoesNotContain("crisis-first", page, StringComparison.Ordinal);
        Assert.False((await clinic.RequestAsync(reference)).IsUrgent);
        Assert.StartsWith("New call request", (await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress)).Message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_who_asks_gets_an_acknowledgement_without_health_details()
    {
        using var visitor = clinic.CreateBrowser();
        const string address = "ack.visitor@example.com";
        var reference = Visitor.ReferenceOf(await visitor.PostFormAsync("/schedule",
            Visitor.Form(firstName: "Robin", condition: "ocd", message: "Contamination fears all day.", acknowledge: true, email: address)));

        var mail = await clinic.MailAboutAsync(reference, address);
        var body = mail.Message.TextBody ?? "";
        Assert.Contains("Hello Robin", body, StringComparison.Ordinal);
        Assert.Contains(reference, body, StringComparison.Ordinal);
        Assert.Contains("988", body, StringComparison.Ordinal);
        Assert.DoesNotContain("OCD", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Contamination", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ClinicFixture.StaffAddress, mail.EnvelopeRecipients);
    }

    [Fact]
    public async Task Too_many_submissions_from_one_address_get_429_with_retry_after()
    {
        var address = SimulatedClientAddress.NewAddress();
        using var flooder = clinic.CreateBrowser(address);
        for (var i = 0; i < ClinicFixture.RateLimitPerClient; i++)
        {
            var accepted = await flooder.PostAsJsonAsync("/api/intake/requests", new { firstName = "Flo" });
            Assert.Equal(HttpStatusCode.BadRequest, accepted.StatusCode);
        }

        var refused = await flooder.PostAsJsonAsync("/api/intake/requests", new { firstName = "Flo" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        // The form counts against the same limit; reading pages never does; other visitors are unaffected.
        Assert.Equal(HttpStatusCode.OK, (await flooder.GetAsync("/schedule")).StatusCode);
        var page = await flooder.PostFormAsync("/schedule", Visitor.Form());
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("Please wait a moment before sending again", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var someoneElse = clinic.CreateBrowser();
        Visitor.ReferenceOf(await someoneElse.PostFormAsync("/schedule", Visitor.Form()));
    }
}
