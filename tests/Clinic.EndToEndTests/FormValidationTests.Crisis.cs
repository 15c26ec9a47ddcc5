using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

/// <summary>A message in crisis language gets crisis help first, even when another field is wrong and nothing is stored yet.</summary>
public sealed partial class FormValidationTests
{
    private const string CrisisMessage = "Nothing helps. I want to die.";

    [Fact]
    public async Task A_crisis_message_with_a_bad_email_gets_the_crisis_resources_before_the_errors()
    {
        var before = await clinic.CountStreamsAsync();
        using var visitor = clinic.CreateBrowser();
        var form = Visitor.Form(message: CrisisMessage, email: "dana-at-example");

        var response = await visitor.PostFormAsync("/schedule", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..];
        var crisis = main.IndexOf("data-testid=\"crisis-first\"", StringComparison.Ordinal);
        var summary = main.IndexOf("id=\"error-summary\"", StringComparison.Ordinal);
        Assert.True(crisis > 0, "No crisis resources on the form with errors.");
        Assert.True(summary > crisis, "The crisis resources must come before the error summary.");
        Assert.True(main.IndexOf("id=\"Email-error\"", StringComparison.Ordinal) > crisis);
        foreach (var link in new[] { "href=\"tel:988\"", "href=\"tel:911\"", "href=\"sms:741741\"" })
        {
            Assert.Contains(link, main[crisis..summary], StringComparison.Ordinal);
        }

        Assert.Matches("id=\"Email-error\"[^>]*>Please enter a valid e-mail address", html);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task A_form_with_errors_and_no_crisis_language_leads_with_the_errors()
    {
        using var visitor = clinic.CreateBrowser();

        var response = await visitor.PostFormAsync("/schedule", Visitor.Form(message: "Mornings, please.", email: "dana-at-example"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-testid=\"crisis-first\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"error-summary\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_validation_problem_for_a_crisis_message_carries_the_crisis_lines()
    {
        var before = await clinic.CountStreamsAsync();
        using var client = clinic.CreateBrowser();

        var response = await client.PostAsJsonAsync("/api/intake/requests", new Dictionary<string, object?>
        {
            ["firstName"] = "Jordan",
            ["lastName"] = "Okafor",
            ["email"] = "jordan-at-example",
            ["phone"] = "555 010 3333",
            ["preferredContact"] = "email",
            ["condition"] = "ocd",
            ["bestTimeToCall"] = "morning",
            ["message"] = CrisisMessage,
            ["acceptTerms"] = true,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        var crisis = problem.GetProperty("crisis");
        Assert.Contains("not an emergency service", crisis.GetProperty("message").GetString(), StringComparison.Ordinal);
        var lines = crisis.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("contact").GetString()).ToList();
        Assert.Contains(lines, l => Regex.IsMatch(l!, @"\b988\b"));
        Assert.Contains(lines, l => Regex.IsMatch(l!, @"\b911\b"));
        Assert.Contains(lines, l => l!.Contains("741741", StringComparison.Ordinal));
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task The_api_validation_problem_without_crisis_language_has_no_crisis_lines()
    {
        using var client = clinic.CreateBrowser();

        var response = await client.PostAsJsonAsync("/api/intake/requests", new Dictionary<string, object?> { ["message"] = "Mornings, please." });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("crisis", out _));
    }
}
