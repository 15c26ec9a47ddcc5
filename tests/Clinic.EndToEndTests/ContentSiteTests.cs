using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content;
using Clinic.Modules.Content.Editing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

[Collection(ClinicCollection.Name)]
public sealed partial class ContentSiteTests(ClinicFixture clinic)
{
    private static int Citations(string html) => CitationItem().Matches(html).Count;

    [Fact]
    public async Task The_research_library_lists_every_citation_and_filters_and_searches_them()
    {
        using var visitor = clinic.CreateBrowser();

        var all = await visitor.GetStringAsync("/research");
        Assert.Equal(35, Citations(all));
        Assert.Contains("Showing 35 of 35 articles.", all, StringComparison.Ordinal);
        Assert.Contains("<cite>Subanesthetic ketamine infusion therapy", all, StringComparison.Ordinal);
        Assert.Contains("Pain Med. 2004 Sep;5(3):263-75.", all, StringComparison.Ordinal);

        var crps = await visitor.GetStringAsync("/research?condition=crps");
        Assert.Equal(4, Citations(crps));
        Assert.Contains("<option value=\"crps\" selected=\"selected\">", crps, StringComparison.Ordinal);

        var search = await visitor.GetStringAsync("/research?q=sorensen");
        Assert.Equal(1, Citations(search));
        Assert.Contains("J. Sörensen", search, StringComparison.Ordinal);
        Assert.Contains("value=\"sorensen\"", search, StringComparison.Ordinal);

        var none = await visitor.GetStringAsync("/research?condition=ocd&q=%3Cscript%3E");
        Assert.Equal(0, Citations(none));
        Assert.Contains("No articles match.", none, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", none, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_condition_page_shows_its_description_facts_warning_signs_and_articles()
    {
        using var visitor = clinic.CreateBrowser();

        var depression = await visitor.GetStringAsync("/conditions/depression");
        Assert.Contains("<h2 id=\"facts-heading\">Depression Facts</h2>", depression, StringComparison.Ordinal);
        Assert.Equal(10, Citations(depression));

        var suicide = await visitor.GetStringAsync("/conditions/suicide");
        Assert.Contains("Suicidal Ideation Warning Signs", suicide, StringComparison.Ordinal);
        Assert.Contains("Talking about wanting to die.", suicide, StringComparison.Ordinal);
        Assert.Contains("We have not listed articles for this topic yet.", suicide, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_treatment_crisis_terms_and_privacy_pages_exist()
    {
        using var visitor = clinic.CreateBrowser();

        var treatment = await visitor.GetStringAsync("/ketamine-treatment");
        Assert.Contains("Long-Term Symptom Relief", treatment, StringComparison.Ordinal);
        Assert.Contains("Fast &amp; Effective", treatment, StringComparison.Ordinal);

        var crisis = await visitor.GetStringAsync("/crisis-resources");
        Assert.Contains("former number, 1-800-273-8255", crisis, StringComparison.Ordinal);
        Assert.Contains("href=\"sms:741741\"", crisis, StringComparison.Ordinal);

        foreach (var legal in new[] { "/terms", "/privacy" })
        {
            var page = await visitor.GetStringAsync(legal);
            Assert.Contains("Placeholder text.", page, StringComparison.Ordinal);
        }

        var form = await visitor.GetStringAsync("/schedule");
        Assert.Contains("This form is not monitored around the clock.", form, StringComparison.Ordinal);
        Assert.Contains("usually within one business day", form, StringComparison.Ordinal);
        Assert.Contains("href=\"/terms\"", form, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_pages_and_api_answers_come_from_the_output_cache_after_the_first_view()
    {
        using var visitor = clinic.CreateBrowser();
        await visitor.GetAsync("/conditions/fibromyalgia");
        await visitor.GetAsync("/api/content/articles?condition=ptsd");

        var page = await visitor.GetAsync("/conditions/fibromyalgia");
        var api = await visitor.GetAsync("/api/content/articles?condition=ptsd");

        Assert.NotNull(page.Headers.Age);
        Assert.NotNull(api.Headers.Age);
        // The form carries a per-visitor antiforgery token, so it must never be cached.
        Assert.Null((await visitor.GetAsync("/schedule")).Headers.Age);
        Assert.Null((await visitor.GetAsync("/schedule")).Headers.Age);
    }

    [Fact]
    public async Task A_signed_in_staff_member_gets_their_own_page_where_visitors_get_the_cached_one()
    {
        using var visitor = clinic.CreateBrowser();
        var first = await visitor.GetAsync("/conditions/ptsd");
        var cached = await visitor.GetAsync("/conditions/ptsd");
        var cachedHead = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/conditions/ptsd"));
        cachedHead = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/conditions/ptsd"));

        Assert.NotNull(cached.Headers.Age);
        Assert.Contains("Staff sign in", await cached.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(cachedHead.Headers.Age);
        Assert.Equal(HttpStatusCode.OK, cachedHead.StatusCode);
        foreach (var answer in new[] { cached, cachedHead })
        {
            Assert.Equal(SecurityHeaders(first), SecurityHeaders(answer));
            Assert.Contains("frame-ancestors 'none'", answer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.StartsWith("max-age=", answer.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", answer.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", answer.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("camera=()", answer.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
        }

        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var own = await staff.GetAsync("/conditions/ptsd");
        var page = await own.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Null(own.Headers.Age);
        Assert.Contains($"Sign out {ClinicFixture.StaffUserName}", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Staff sign in", page, StringComparison.Ordinal);
        // The staff member's page (with their sign-out token) is not cached for the next visitor either.
        Assert.DoesNotContain("Sign out", await visitor.GetStringAsync("/conditions/ptsd"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/conditions/depression")]
    [InlineData("/")]
    [InlineData("/sitemap.xml")]
    public async Task A_visitor_who_sends_nothing_personal_gets_the_same_page_and_headers_as_one_who_does(string path)
    {
        // No cookie: answered from the pages kept before routing (PublishedPageCache) from the second read on.
        using var plain = clinic.CreateBrowser();
        await plain.GetAsync(path);
        var kept = await plain.GetAsync(path);
        var keptHead = await plain.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        // A cookie: the request goes through routing and the output cache.
        using var withCookie = clinic.CreateBrowser();
        withCookie.DefaultRequestHeaders.Add("Cookie", "clinic.consent=1");
        var routed = await withCookie.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.True(clinic.App.Services.GetRequiredService<PublishedPageCache>().Holds(path), $"{path} is not among the kept pages");
        Assert.NotNull(kept.Headers.Age);
        Assert.Equal(await routed.Content.ReadAsByteArrayAsync(), await kept.Content.ReadAsByteArrayAsync());
        Assert.Equal(AnswerHeaders(routed), AnswerHeaders(kept));
        Assert.Equal(HttpStatusCode.OK, keptHead.StatusCode);
        Assert.Empty(await keptHead.Content.ReadAsByteArrayAsync());
        Assert.Equal(kept.Content.Headers.ContentLength, keptHead.Content.Headers.ContentLength);
        Assert.Equal(AnswerHeaders(kept), AnswerHeaders(keptHead));
    }

    [Fact]
    public async Task No_cache_serves_a_page_rendered_from_a_snapshot_visitors_no_longer_read()
    {
        // A render that straddles a publication can store its answer after the caches were emptied. Here the snapshot
        // is replaced without emptying anything: only what ties each kept answer to its snapshot keeps visitors current.
        const string path = "/conditions/fibromyalgia";
        var published = clinic.App.Services.GetRequiredService<PublishedContent>();
        var before = published.Current;
        using var plain = clinic.CreateBrowser();
        using var withCookie = clinic.CreateBrowser();
        withCookie.DefaultRequestHeaders.Add("Cookie", "clinic.consent=1");
        foreach (var visitor in new[] { plain, withCookie })
        {
            await visitor.GetAsync(path);
            Assert.NotNull((await visitor.GetAsync(path)).Headers.Age);
        }

        var key = ContentItems.ConditionKey("fibromyalgia");
        var revised = JsonNode.Parse(before.Items.Single(i => i.Key == key).Body)!;
        revised["description"]!.AsArray().Insert(0, "Rendered from the newer snapshot.");
        var items = before.Items.Select(i => i.Key == key ? i with { Body = revised.ToJsonString() } : i).ToList();
        try
        {
            published.Replace(new PublishedContent.Snapshot(ContentItems.Build(items, before.Library.ConditionsVersion), items, before.Fingerprint));

            Assert.Contains("Rendered from the newer snapshot.", await plain.GetStringAsync(path), StringComparison.Ordinal);
            Assert.Contains("Rendered from the newer snapshot.", await withCookie.GetStringAsync(path), StringComparison.Ordinal);
        }
        finally
        {
            published.Replace(before);
        }

        Assert.DoesNotContain("Rendered from the newer snapshot.", await plain.GetStringAsync(path), StringComparison.Ordinal);
        Assert.DoesNotContain("Rendered from the newer snapshot.", await withCookie.GetStringAsync(path), StringComparison.Ordinal);
    }

    /// <summary>Every header of an answer but its moment and its framing (a fresh render may be sent in chunks).</summary>
    private static string AnswerHeaders(HttpResponseMessage response) => string.Join("\n",
        response.Headers.Concat(response.Content.Headers)
            .Where(header => header.Key is not ("Date" or "Age" or "Content-Length" or "Transfer-Encoding"))
            .OrderBy(header => header.Key, StringComparer.OrdinalIgnoreCase)
            .Select(header => $"{header.Key}: {string.Join(", ", header.Value)}"));

    private static string SecurityHeaders(HttpResponseMessage response) => string.Join("\n",
        new[] { "Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy", "Cache-Control" }
            .Select(name => $"{name}: {string.Join(", ", response.Headers.TryGetValues(name, out var values) ? values : [])}"));

    [Fact]
    public async Task The_content_api_serves_conditions_articles_and_crisis_resources()
    {
        using var client = clinic.CreateBrowser();

        var conditions = await client.GetFromJsonAsync<JsonElement>("/api/content/conditions");
        Assert.Equal(10, conditions.GetArrayLength());

        var ptsd = await client.GetFromJsonAsync<JsonElement>("/api/content/conditions/ptsd");
        Assert.Equal(5, ptsd.GetProperty("articles").GetArrayLength());

        var articles = await client.GetFromJsonAsync<JsonElement>("/api/content/articles?q=castillo");
        var castillo = Assert.Single(articles.EnumerateArray());
        Assert.Equal(2, castillo.GetProperty("conditions").GetArrayLength());

        var crisis = await client.GetFromJsonAsync<JsonElement>("/api/content/crisis-resources");
        Assert.Equal(4, crisis.GetProperty("resources").GetArrayLength());

        var badFilter = await client.GetAsync("/api/content/articles?condition=flu");
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Equal("application/problem+json", badFilter.Content.Headers.ContentType?.MediaType);
    }

    [GeneratedRegex("<li class=\"citation\"")]
    private static partial Regex CitationItem();
}
