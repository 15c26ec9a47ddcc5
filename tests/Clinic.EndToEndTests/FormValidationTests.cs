using System.Net;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

/// <summary>Bad input is answered with the form and field-level errors, never a 500, and stores nothing.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class FormValidationTests(ClinicFixture clinic)
{
    [Fact]
    public async Task Missing_consent_and_a_bad_email_reshow_the_form_with_errors_next_to_their_fields()
    {
        var before = await clinic.CountStreamsAsync();
        using var visitor = clinic.CreateBrowser();

        var response = await visitor.PostFormAsync("/schedule", new()
        {
            ["Form.FirstName"] = "Ann",
            ["Form.LastName"] = "Lee",
            ["Form.Email"] = "ann-at-example",
            ["Form.Phone"] = "555 123 4567",
            ["Form.PreferredContact"] = "email",
            ["Form.Condition"] = "depression",
            ["Form.BestTimeToCall"] = "evening",
            ["Form.Message"] = "Please call after six.",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("id=\"Email-error\"[^>]*>Please enter a valid e-mail address", html);
        Assert.Matches("id=\"AcceptTerms-error\"[^>]*>Please accept our terms", html);
        Assert.Matches("id=\"FirstName-error\"[^>]*></span>", html);

        // What the visitor typed is still there.
        Assert.Contains("value=\"Ann\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"ann-at-example\"", html, StringComparison.Ordinal);
        Assert.Contains("Please call after six.", html, StringComparison.Ordinal);
        Assert.Matches("<option value=\"depression\" selected=\"selected\">", html);

        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task Script_payloads_are_echoed_encoded_and_unknown_dropdown_values_are_refused()
    {
        var before = await clinic.CountStreamsAsync();
        using var visitor = clinic.CreateBrowser();

        var response = await visitor.PostFormAsync("/schedule", new()
        {
            ["Form.FirstName"] = "<script>alert('x')</script>",
            ["Form.LastName"] = "Robert'); DROP TABLE students;--",
            ["Form.Email"] = "x@example.com",
            ["Form.Phone"] = "555 123 4567",
            ["Form.PreferredContact"] = "<img src=x onerror=alert(1)>",
            ["Form.Condition"] = "not-a-condition",
            ["Form.BestTimeToCall"] = "morning",
            ["Form.AcceptTerms"] = "not-a-boolean",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Matches("id=\"PreferredContact-error\"[^>]*>Please use the dropdown", html);
        Assert.Matches("id=\"Condition-error\"[^>]*>Please use the dropdown", html);
        Assert.Matches("id=\"AcceptTerms-error\"[^>]*>Please accept", html);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_stores_nothing()
    {
        var before = await clinic.CountStreamsAsync();
        using var visitor = clinic.CreateBrowser();

        var response = await visitor.PostAsync("/schedule", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.FirstName"] = "Ann",
            ["Form.LastName"] = "Lee",
            ["Form.Email"] = "ann@example.com",
            ["Form.Phone"] = "555 123 4567",
            ["Form.PreferredContact"] = "email",
            ["Form.Condition"] = "ptsd",
            ["Form.BestTimeToCall"] = "evening",
            ["Form.AcceptTerms"] = "true",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }
}
