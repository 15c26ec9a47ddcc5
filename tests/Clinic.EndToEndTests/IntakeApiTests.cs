using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

/// <summary>POST /api/intake/requests: the form's rules as JSON, with problem details and idempotency.</summary>
[Collection(ClinicCollection.Name)]
public sealed class IntakeApiTests(ClinicFixture clinic)
{
    private static Dictionary<string, object?> Body(string message = "Afternoons please.") => new()
    {
        ["firstName"] = "Jordan",
        ["lastName"] = "Okafor",
        ["email"] = "jordan@example.com",
        ["phone"] = "+1 555 010 3333",
        ["preferredContact"] = "email",
        ["condition"] = "depression",
        ["bestTimeToCall"] = "afternoon",
        ["message"] = message,
        ["acceptTerms"] = true,
    };

    private static HttpRequestMessage Post(object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/requests") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    [Fact]
    public async Task A_valid_request_is_created_and_a_retry_with_the_same_key_returns_the_same_reference()
    {
        using var client = clinic.CreateBrowser();
        var key = Guid.NewGuid().ToString();
        var before = await clinic.CountStreamsAsync();

        var created = await client.SendAsync(Post(Body(), key));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        var reference = first.GetProperty("reference").GetString()!;
        Assert.False(first.GetProperty("urgent").GetBoolean());

        var retried = await client.SendAsync(Post(Body(), key));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(reference, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString());
        Assert.Equal(before + 1, await clinic.CountStreamsAsync());

        await clinic.MailAboutAsync(reference, ClinicFixture.StaffAddress);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_request_is_refused()
    {
        using var client = clinic.CreateBrowser();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Post(Body("One."), key))).StatusCode);

        var reused = await client.SendAsync(Post(Body("Two."), key));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_callers_sending_the_same_key_get_two_requests()
    {
        // Two integrations that both number their calls from 1 would collide if keys were shared by every caller.
        var key = "order-0000000000000001";
        using var first = clinic.CreateBrowser();
        using var second = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();

        var one = await first.SendAsync(Post(Body("From the first integration."), key));
        var two = await second.SendAsync(Post(Body("From the second integration."), key));

        Assert.Equal(HttpStatusCode.Created, one.StatusCode);
        Assert.Equal(HttpStatusCode.Created, two.StatusCode);
        var firstReference = (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString();
        var secondReference = (await two.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString();
        Assert.NotEqual(firstReference, secondReference);
        Assert.Equal(before + 2, await clinic.CountStreamsAsync());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("short-key-15chr")]
    public async Task A_key_too_short_to_be_unique_is_refused_with_a_problem_naming_the_header(string key)
    {
        using var client = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();

        var response = await client.SendAsync(Post(Body(), key));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("Idempotency-Key").EnumerateArray()).GetString();
        Assert.Contains("at least 16", message, StringComparison.Ordinal);
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Fact]
    public async Task Crisis_language_is_reported_urgent()
    {
        using var client = clinic.CreateBrowser();
        var created = await client.SendAsync(Post(Body("I have been thinking about ending my life.")));
        Assert.True((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("urgent").GetBoolean());
    }

    [Fact]
    public async Task Invalid_fields_are_listed_one_by_one_in_problem_details_and_nothing_is_stored()
    {
        using var client = clinic.CreateBrowser();
        var before = await clinic.CountStreamsAsync();
        var body = Body();
        body["email"] = "not-an-email";
        body["acceptTerms"] = "yes";
        body["phone"] = 5550103333;
        body["condition"] = "flu";
        body["nickname"] = "JJ";

        var response = await client.SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["acceptTerms", "condition", "email", "nickname", "phone"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("Must be true or false.", errors.GetProperty("acceptTerms")[0].GetString());
        Assert.Equal("Must be a string.", errors.GetProperty("phone")[0].GetString());
        Assert.Equal(before, await clinic.CountStreamsAsync());
    }

    [Theory]
    [InlineData("{not json", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("[1,2,3]", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("firstName=Ann", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task Malformed_bodies_get_problem_details_not_a_500(string body, string contentType, HttpStatusCode expected)
    {
        using var client = clinic.CreateBrowser();
        var response = await client.PostAsync("/api/intake/requests", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_intake_and_content_apis()
    {
        using var client = clinic.CreateBrowser();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("/api/intake/requests", paths);
        Assert.Contains("/api/content/conditions", paths);
        Assert.Contains("/api/content/conditions/{slug}", paths);
        Assert.Contains("/api/content/articles", paths);
        Assert.Contains("/api/content/crisis-resources", paths);
    }

    /// <summary>A schema as written, or the component a $ref points at.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task The_openapi_document_gives_integrators_the_body_the_headers_and_every_answer()
    {
        using var client = clinic.CreateBrowser();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        // The body: every field, which are required, and the allowed values of the choices.
        var submit = paths.GetProperty("/api/intake/requests").GetProperty("post");
        var schema = Resolve(document, submit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var properties = schema.GetProperty("properties");
        Assert.Equal(
            ["acceptTerms", "bestTimeToCall", "condition", "email", "firstName", "lastName", "message", "phone", "preferredContact", "sendAcknowledgement"],
            properties.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(
            ["acceptTerms", "bestTimeToCall", "condition", "email", "firstName", "lastName", "phone", "preferredContact"],
            Strings(schema.GetProperty("required")).Order());
        Assert.Equal(["phone", "text", "email"], Strings(properties.GetProperty("preferredContact").GetProperty("enum")));
        Assert.Equal(["morning", "afternoon", "evening", "anytime"], Strings(properties.GetProperty("bestTimeToCall").GetProperty("enum")));
        Assert.Equal(2000, properties.GetProperty("message").GetProperty("maxLength").GetInt32());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());

        // The Idempotency-Key header, and every answer the endpoint gives, the 201's Location included.
        var key = Assert.Single(submit.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("header", key.GetProperty("in").GetString());
        Assert.Equal(200, Resolve(document, key.GetProperty("schema")).GetProperty("maxLength").GetInt32());
        var answers = submit.GetProperty("responses");
        foreach (var status in new[] { "200", "201", "400", "415", "422", "429", "503" })
        {
            Assert.True(answers.TryGetProperty(status, out _), $"POST /api/intake/requests does not document {status}.");
        }

        Assert.True(answers.GetProperty("201").GetProperty("headers").TryGetProperty("Location", out _));
        Assert.True(paths.GetProperty("/api/intake/requests/{reference}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(paths.GetProperty("/api/content/conditions/{slug}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));

        // The audit API says how to sign in and what a caller without the Auditor role gets.
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        foreach (var path in new[] { "/api/audit/export", "/api/audit/requests/{id}/events" })
        {
            var operation = paths.GetProperty(path).GetProperty("get");
            var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
            Assert.True(schemes.TryGetProperty(Assert.Single(requirement.EnumerateObject()).Name, out _), $"{path} names a security scheme the document lacks.");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{path} does not document 401.");
            Assert.True(operation.GetProperty("responses").TryGetProperty("403", out _), $"{path} does not document 403.");
        }

        // Public endpoints need no sign-in.
        Assert.False(submit.TryGetProperty("security", out _));
    }

    [Fact]
    public async Task A_created_request_has_a_location_that_answers_with_its_reference_and_nothing_personal()
    {
        using var client = clinic.CreateBrowser();
        var created = await client.SendAsync(Post(Body("Canary-Location: mornings")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reference = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString();
        Assert.NotNull(created.Headers.Location);
        Assert.Equal($"/api/intake/requests/{reference}", created.Headers.Location!.OriginalString);

        var status = await client.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var body = await status.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(reference, json.GetProperty("reference").GetString());
        Assert.Equal("received", json.GetProperty("status").GetString());
        foreach (var personal in new[] { "Jordan", "Okafor", "jordan@example.com", "010 3333", "Canary", "depression" })
        {
            Assert.DoesNotContain(personal, body, StringComparison.OrdinalIgnoreCase);
        }

        var unknown = await client.GetAsync("/api/intake/requests/KC-AAAAA-AAAAA");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}

