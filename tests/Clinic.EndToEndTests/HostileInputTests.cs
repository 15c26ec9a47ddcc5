using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

/// <summary>
/// Every field against every kind of hostile value, through the page and through the API: a 4xx with
/// the field's error, never a 500, nothing stored, and anything echoed back encoded. The one exception
/// is the visitor's message: its wording is never refused, so markup- and SQL-like text is stored as
/// typed and shown back encoded (see HostileMessageTests).
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class HostileInputTests(ClinicFixture clinic)
{
    private static readonly Dictionary<string, string> Payloads = new()
    {
        ["oversized"] = new string('x', 10_000),
        ["control characters"] = "Ann\u0007\u001b[31m\u0008",
        ["script"] = "<script>alert('pwned')</script>",
        ["html"] = "<b onmouseover=\"alert(1)\">bold</b>",
        ["sql"] = "'; DROP TABLE intake.mt_events; --",
    };

    private static readonly string[] TextFields = ["FirstName", "LastName", "Email", "Phone", "Message"];

    /// <summary>What the message refuses: only its length and control characters, never its wording.</summary>
    private static readonly string[] RefusedInMessages = ["oversized", "control characters"];
    private static readonly string[] Dropdowns = ["PreferredContact", "Condition", "BestTimeToCall"];
    private static readonly string[] Checkboxes = ["AcceptTerms", "SendAcknowledgement"];

    public static TheoryData<string, string> FormCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var field in TextFields)
        {
            foreach (var payload in field == "Message" ? RefusedInMessages : [.. Payloads.Keys])
            {
                cases.Add(field, payload);
            }
        }

        foreach (var field in Dropdowns)
        {
            foreach (var payload in new[] { "unknown option", "script", "sql" })
            {
                cases.Add(field, payload);
            }
        }

        foreach (var field in Checkboxes)
        {
            cases.Add(field, "not a boolean");
            cases.Add(field, "script");
        }

        return cases;
    }

    private static string ValueFor(string payload) => payload switch
    {
        "unknown option" => "not-an-option",
        "not a boolean" => "yes please",
        _ => Payloads[payload],
    };

    [Theory]
    [MemberData(nameof(FormCases))]
    public async Task The_form_refuses_hostile_values_field_by_field(string field, string payload)
    {
        var value = ValueFor(payload);
        using var visitor = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();
        var form = Visitor.Form();
        form[$"Form.{field}"] = value;

        var response = await visitor.PostFormAsync("/schedule", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var error = Regex.Match(html, $"<span[^>]*id=\"{field}-error\"[^>]*>(.*?)</span>", RegexOptions.Singleline);
        Assert.True(error.Success && error.Groups[1].Value.Trim().Length > 0, $"No error shown next to {field}.");
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b onmouseover", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", html, StringComparison.Ordinal);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    public static TheoryData<string, string> ApiCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var field in new[] { "firstName", "lastName", "email", "phone", "message" })
        {
            foreach (var payload in field == "message" ? RefusedInMessages : [.. Payloads.Keys])
            {
                cases.Add(field, payload);
            }
        }

        foreach (var field in new[] { "firstName", "lastName", "email", "phone", "preferredContact", "condition", "bestTimeToCall", "message" })
        {
            cases.Add(field, "number");
            cases.Add(field, "array");
            cases.Add(field, "object");
        }

        foreach (var field in new[] { "preferredContact", "condition", "bestTimeToCall" })
        {
            cases.Add(field, "unknown option");
        }

        foreach (var field in new[] { "acceptTerms", "sendAcknowledgement" })
        {
            cases.Add(field, "string");
            cases.Add(field, "number");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(ApiCases))]
    public async Task The_api_refuses_hostile_values_field_by_field(string field, string payload)
    {
        using var client = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();
        var body = new Dictionary<string, object?>
        {
            ["firstName"] = "Jordan",
            ["lastName"] = "Okafor",
            ["email"] = "jordan@example.com",
            ["phone"] = "555 010 3333",
            ["preferredContact"] = "email",
            ["condition"] = "ocd",
            ["bestTimeToCall"] = "morning",
            ["message"] = "Hi",
            ["acceptTerms"] = true,
        };
        body[field] = payload switch
        {
            "number" => 42,
            "array" => new[] { "a", "b" },
            "object" => new { nested = "<script>" },
            "string" => "yes",
            "unknown option" => "not-an-option",
            _ => Payloads[payload],
        };

        var response = await client.PostAsJsonAsync("/api/intake/requests", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages) && messages.GetArrayLength() > 0, $"No error for {field}.");
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task A_form_with_a_nul_byte_cannot_be_read_and_gets_a_400_page_that_says_so()
    {
        using var visitor = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();
        var form = Visitor.Form();
        form["Form.FirstName"] = "Ann\u0000";

        var response = await visitor.PostFormAsync("/schedule", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("We could not read what was sent", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task A_body_far_over_any_limit_is_refused_with_a_4xx()
    {
        using var visitor = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();
        var form = Visitor.Form();
        form["Form.Message"] = new string('m', 5_000_000);

        var page = await visitor.PostFormAsync("/schedule", form);
        var api = await visitor.PostAsync("/api/intake/requests",
            new StringContent($"{{\"message\":\"{new string('m', 5_000_000)}\"}}", Encoding.UTF8, "application/json"));

        Assert.InRange((int)page.StatusCode, 400, 499);
        Assert.InRange((int)api.StatusCode, 400, 499);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }
}
