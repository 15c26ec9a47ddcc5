using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Content;
using Clinic.Modules.Intake.Domain;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// The Prometheus scrape endpoint: Clinic's own counters, the notification latency histogram and the daemon's
/// lag, behind the scrape token. Counters add up over the whole run, so each test compares two scrapes.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed class MetricsTests(ClinicFixture clinic)
{
    private const string Submitted = "clinic_intake_requests_submitted_total";
    private const string Latency = "clinic_notifications_delivery_latency_seconds";
    private const string FailedAttempts = "clinic_notifications_delivery_failed_attempts_total";
    private const string Failures = "clinic_notifications_delivery_failures_total";

    private static readonly (string, string) Email = ("channel", "email");
    private static readonly (string, string) Webhook = ("channel", "webhook");

    [Fact]
    public async Task New_requests_count_once_by_urgency_and_spam_and_email_deliveries_show_their_latency()
    {
        var before = await clinic.ScrapeAsync();

        // A routine request sent twice from one page (a double click) is one request.
        using var visitor = clinic.CreateBrowser();
        var page = await FormPage.OpenAsync(visitor, "/schedule");
        var routine = Visitor.ReferenceOf(await page.SubmitAsync(Visitor.Form()));
        Assert.Equal(routine, Visitor.ReferenceOf(await page.SubmitAsync(Visitor.Form())));
        // An urgent one: e-mailed to the team and to on-call.
        await clinic.SubmitAndSettleAsync(Visitor.Form(message: "I keep thinking about killing myself."), alerts: 4);
        // A bot's: stored as suspected spam. And a form with errors, which stores and counts nothing.
        using var bot = clinic.CreateBrowser();
        var spam = Visitor.Form();
        spam["Fax"] = "http://cheap-pills.example";
        Visitor.ReferenceOf(await bot.PostFormAsync("/schedule", spam));
        var invalid = Visitor.Form(email: "not an address");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await bot.PostFormAsync("/schedule", invalid)).StatusCode);

        var routineId = (await clinic.RequestAsync(routine)).Id;
        await Eventually.TrueAsync(async () => (await clinic.EventsAsync(routineId)).OfType<StaffAlerted>().Count() >= 3, $"the alerts about {routine}");
        var after = await Eventually.GetAsync(
            async () => await clinic.ScrapeAsync() is var scrape && Delta(before, scrape, Latency + "_count", Email) >= 3 ? scrape : null,
            "three e-mail deliveries in the latency histogram");

        Assert.Equal(1, Delta(before, after, Submitted, ("urgent", "false"), ("spam", "false")));
        Assert.Equal(1, Delta(before, after, Submitted, ("urgent", "true"), ("spam", "false")));
        Assert.Equal(1, Delta(before, after, Submitted, ("urgent", "false"), ("spam", "true")));
        Assert.Equal(3, Delta(before, after, Submitted));
        Assert.True(Delta(before, after, Latency + "_count", Email, ("urgent", "true")) >= 2, "the urgent request's two e-mails");
        Assert.True(Delta(before, after, Latency + "_sum", Email) > 0);
        // The buckets are ours: from 5 ms to a minute.
        Assert.NotEmpty(after.Samples(Latency + "_bucket", Email, ("le", "0.005")));
        Assert.NotEmpty(after.Samples(Latency + "_bucket", Email, ("le", "60")));
    }

    [Fact]
    public async Task Failed_delivery_attempts_and_deliveries_given_up_on_are_counted_per_channel()
    {
        var before = await clinic.ScrapeAsync();

        // The relay answers 503 once for one request (retried, then delivered) and 400 for the other (given up at once).
        var (_, flaky) = await clinic.SubmitAndSettleAsync(Visitor.Form(condition: WebhookReceiver.FlakyCondition), alerts: 3);
        var (_, refused) = await clinic.SubmitAndSettleAsync(Visitor.Form(condition: WebhookReceiver.RefusedCondition), alerts: 2);
        await Eventually.TrueAsync(
            async () => (await clinic.EventsAsync(refused)).OfType<NotificationFailed>().Any(f => f.Final), "the final failure to be recorded");
        var after = await Eventually.GetAsync(
            async () => await clinic.ScrapeAsync() is var scrape && Delta(before, scrape, Failures, Webhook) >= 1 ? scrape : null,
            "the webhook failure to be counted");

        Assert.Contains((await clinic.EventsAsync(flaky)).OfType<StaffAlerted>(), n => n.Channel == "webhook");
        Assert.True(Delta(before, after, FailedAttempts, Webhook) >= 2, "one failed attempt for each request");
        Assert.Equal(1, Delta(before, after, Failures, Webhook));
        Assert.Equal(0, Delta(before, after, Failures, Email));
        Assert.Equal(0, Delta(before, after, FailedAttempts, Email));
    }

    [Fact]
    public async Task The_failure_counters_are_scraped_at_zero_for_a_channel_that_never_failed()
    {
        // The live feed never fails in these tests: its series exist only because they start at zero.
        var scrape = await clinic.ScrapeAsync();

        Assert.Equal([0.0], scrape.Samples(FailedAttempts, ("channel", "feed")));
        Assert.Equal([0.0], scrape.Samples(Failures, ("channel", "feed")));
    }

    [Fact]
    public async Task The_daemon_lag_gauges_report_the_forwarder_and_the_sealer()
    {
        var scrape = await Eventually.GetAsync(
            async () => await clinic.ScrapeAsync() is var s && s.Samples("clinic_intake_forwarder_lag_seconds").Count == 1 ? s : null,
            "the first lag measurement");

        Assert.InRange(scrape.Sum("clinic_intake_forwarder_lag_seconds"), 0, 60);
        Assert.Single(scrape.Samples("clinic_intake_daemon_backlog", ("subscription", "intake-forwarder")));
        Assert.Single(scrape.Samples("clinic_intake_daemon_backlog", ("subscription", "audit-sealer")));
    }

    [Fact]
    public async Task Only_scrapers_with_the_token_may_scrape_and_scrapes_are_not_traced()
    {
        using var anonymous = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new string('x', clinic.MetricsScrapeToken.Length));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/metrics")).StatusCode);

        Assert.Contains("# TYPE ", (await clinic.ScrapeAsync()).Text, StringComparison.Ordinal);

        // A page asked for after the scrapes has its span by now; the scrapes have none.
        using var visitor = clinic.CreateBrowser();
        await visitor.GetAsync("/schedule");
        await Eventually.TrueAsync(() => Task.FromResult(clinic.Spans.Snapshot().Any(s => Equals(s.GetTagItem("url.path"), "/schedule"))), "the page's span");
        Assert.DoesNotContain(clinic.Spans.Snapshot(), s => Equals(s.GetTagItem("url.path"), "/metrics"));
    }

    [Fact]
    public async Task Cached_public_page_reads_are_not_traced_but_other_pages_are()
    {
        // Every address the output cache serves, from the endpoints' own metadata, its parameters filled in.
        var cached = clinic.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(CachedPublicReads.IsCached)
            .Select(e => SamplePath(e.RoutePattern))
            .Distinct()
            .ToList();
        Assert.Superset(
            new HashSet<string> { "/", "/conditions/ptsd", "/research", "/privacy", "/terms", "/crisis-resources", "/ketamine-treatment", "/sitemap.xml", "/robots.txt" },
            cached.ToHashSet());

        using var visitor = clinic.CreateBrowser();
        foreach (var path in cached)
        {
            Assert.True((await visitor.GetAsync(path)).IsSuccessStatusCode, path);
        }

        // A page the cache does not serve, asked for last: once its span is there, the others' would be too.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/schedule")).StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(clinic.Spans.Snapshot().Any(s => IsRead(s, "/schedule"))), "the uncached page's span");
        // Reads only: other tests on this shared host send the same pages other methods (TRACE, OPTIONS), still traced.
        var spans = clinic.Spans.Snapshot();
        Assert.All(cached, path => Assert.False(spans.Any(s => IsRead(s, path)), $"{path} was traced"));
    }

    /// <summary>A concrete address for a route: its parameters given values the seeded content has.</summary>
    private static string SamplePath(RoutePattern route) =>
        "/" + string.Join("/", route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { Name: "slug" } => "ptsd",
            _ => throw new InvalidOperationException($"No sample value for a part of the cached route {route.RawText}."),
        }))));

    private static bool IsRead(Activity span, string path) =>
        Equals(span.GetTagItem("url.path"), path) && span.GetTagItem("http.request.method") is "GET" or "HEAD";

    private static double Delta(Scrape before, Scrape after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
