using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;

namespace Clinic.EndToEndTests;

[Collection(ClinicCollection.Name)]
public sealed class SiteTests(ClinicFixture clinic)
{
    [Fact]
    public async Task The_home_page_lists_every_condition_and_each_condition_page_renders()
    {
        using var visitor = clinic.CreateBrowser();
        var home = await visitor.GetStringAsync("/");

        string[] slugs = ["depression", "suicidal-ideation", "postpartum-depression", "bipolar-depression",
            "treatment-resistant-depression", "crps", "fibromyalgia", "ocd", "ptsd", "suicide"];
        foreach (var slug in slugs)
        {
            Assert.Contains($"href=\"/conditions/{slug}\"", home, StringComparison.Ordinal);
            var page = await visitor.GetAsync($"/conditions/{slug}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var ptsd = await visitor.GetStringAsync("/conditions/ptsd");
        Assert.Contains("Post-Traumatic Stress Disorder (PTSD)", ptsd, StringComparison.Ordinal);
        Assert.Contains("prevalent in almost 8% of the general population", ptsd, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/conditions/ocd")]
    [InlineData("/schedule")]
    [InlineData("/no-such-page")]
    public async Task Crisis_resources_are_on_every_page(string path)
    {
        using var visitor = clinic.CreateBrowser();
        var html = await (await visitor.GetAsync(path)).Content.ReadAsStringAsync();

        var banner = Regex.Match(html, "<aside class=\"crisis\".*?</aside>", RegexOptions.Singleline).Value;
        Assert.Contains("In immediate danger? Call <a href=\"tel:911\">911</a>", banner, StringComparison.Ordinal);
        Assert.Contains("call or text <a href=\"tel:988\">988</a>", banner, StringComparison.Ordinal);
        Assert.Contains("988lifeline.org", banner, StringComparison.Ordinal);
        Assert.Contains("Veterans: dial 988, then press 1.", banner, StringComparison.Ordinal);
        Assert.Contains("text HOME to <a href=\"sms:741741\">741741</a>", banner, StringComparison.Ordinal);
        // The old Lifeline number appears only as the former number, on the crisis page.
        Assert.DoesNotContain("273-8255", banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_page_gets_a_helpful_404()
    {
        using var visitor = clinic.CreateBrowser();
        var response = await visitor.GetAsync("/conditions/no-such-condition");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("We could not find that page", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/schedule\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_content_api_answers_unknown_conditions_with_problem_details()
    {
        using var client = clinic.CreateBrowser();
        var response = await client.GetAsync("/api/content/conditions/no-such-condition");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Condition not found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Liveness_and_readiness_report_healthy_when_postgres_and_rabbitmq_answer()
    {
        using var client = clinic.CreateBrowser();
        Assert.Equal("Healthy", await client.GetStringAsync("/health/live"));
        await Eventually.TrueAsync(
            async () => await client.GetStringAsync("/health/ready") == "Healthy",
            "readiness (PostgreSQL and the RabbitMQ bus)");
    }

    [Fact]
    public async Task Every_page_has_an_icon_and_public_pages_describe_themselves_to_search_engines()
    {
        using var visitor = clinic.CreateBrowser();
        var icon = await visitor.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.StartsWith("image/", icon.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.NotEmpty(await icon.Content.ReadAsByteArrayAsync());

        foreach (var path in new[] { "/", "/conditions/ptsd", "/conditions/ocd", "/research", "/schedule", "/ketamine-treatment" })
        {
            var html = await visitor.GetStringAsync(path);
            var description = Regex.Match(html, "<meta name=\"description\" content=\"([^\"]+)\"");
            Assert.True(description.Success, $"{path} has no meta description.");
            Assert.InRange(description.Groups[1].Value.Length, 50, 170);
            var link = Regex.Match(html, "<link rel=\"icon\"[^>]*href=\"([^\"]+)\"");
            Assert.True(link.Success, $"{path} links no icon.");
            Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(link.Groups[1].Value)).StatusCode);
        }

        // Each condition page says what it is about, so results for different conditions are told apart.
        Assert.Contains("Post-Traumatic Stress Disorder", Regex.Match(await visitor.GetStringAsync("/conditions/ptsd"), "<meta name=\"description\" content=\"([^\"]+)\"").Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/conditions/ptsd")]
    [InlineData("/schedule")]
    [InlineData("/api/content/conditions")]
    public async Task Trace_is_refused_with_405_and_the_methods_that_are_allowed(string path)
    {
        using var visitor = clinic.CreateBrowser();
        var response = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Trace, path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("HEAD", response.Content.Headers.Allow);
        Assert.DoesNotContain("TRACE", response.Content.Headers.Allow);
        Assert.DoesNotContain("<!DOCTYPE html>", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Options_on_a_page_answers_with_the_methods_it_allows_and_no_page()
    {
        using var visitor = clinic.CreateBrowser();
        var home = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/"));
        var schedule = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/schedule"));

        Assert.Equal(HttpStatusCode.NoContent, home.StatusCode);
        Assert.Equal(["GET", "HEAD"], home.Content.Headers.Allow.Order());
        Assert.Equal(["GET", "HEAD", "POST"], schedule.Content.Headers.Allow.Order());
        Assert.Empty(await home.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/content/conditions")]
    [InlineData("/api/content/conditions/ptsd")]
    [InlineData("/api/content/articles?condition=ocd")]
    [InlineData("/api/content/crisis-resources")]
    public async Task Head_on_the_content_api_answers_like_get_without_a_body(string path)
    {
        using var client = clinic.CreateBrowser();
        var get = await client.GetAsync(path);
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/content/conditions/no-such-condition"))).StatusCode);
    }

    [Fact]
    public async Task Static_files_may_be_cached_by_browsers_and_still_carry_the_security_headers()
    {
        using var visitor = clinic.CreateBrowser();
        var stylesheet = await visitor.GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, stylesheet.StatusCode);
        Assert.Equal("text/css", stylesheet.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=3600", stylesheet.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", stylesheet.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", stylesheet.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_request_for_a_host_the_site_does_not_serve_is_refused()
    {
        using var client = clinic.CreateBrowser();
        foreach (var path in new[] { "/", "/staff", "/openapi/v1.json" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "evil.example";
            var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Orchestrators probe the pod's own address, whatever name the site answers to.
        var probe = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        probe.Headers.Host = "10.1.2.3:8080";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(probe)).StatusCode);
    }

    [Fact]
    public async Task A_forwarded_host_header_never_makes_the_site_name_another_host()
    {
        // From loopback, a trusted proxy address: even so, X-Forwarded-Host is not believed.
        using var client = clinic.CreateBrowser();
        var openApi = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        openApi.Headers.Add("X-Forwarded-Host", "evil.example");
        var document = await (await client.SendAsync(openApi)).Content.ReadAsStringAsync();
        var staff = new HttpRequestMessage(HttpMethod.Get, "/staff");
        staff.Headers.Add("X-Forwarded-Host", "evil.example");
        var redirect = await client.SendAsync(staff);

        Assert.Contains("\"servers\"", document, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", document, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.DoesNotContain("evil.example", redirect.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}

