using Clinic.Host.Shell;
using Clinic.Modules.Content;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.UnitTests;

/// <summary>
/// Which requests the trace filter counts as reads of cached public pages, asked at the start of every request: the
/// same answer as matching each cached endpoint's route template (routing's own rules), without allocating.
/// </summary>
public sealed class CachedPublicReadsTests(CachedPublicReadsTests.Site site) : IClassFixture<CachedPublicReadsTests.Site>
{
    private static readonly string[] Methods = ["GET", "HEAD", "get", "POST", "PUT", "DELETE", "OPTIONS", "TRACE"];

    /// <summary>The host's endpoints (pages, content API, feeds, previews, staff pages), mapped but not served.</summary>
    public sealed class Site : IDisposable
    {
        private readonly WebApplication _app;

        public Site()
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(Program).Assembly.GetName().Name });
            builder.AddClinicShell();
            builder.AddContentModule("Host=127.0.0.1;Username=clinic;Database=clinic");
            _app = builder.Build();
            _app.MapContentEndpoints();
            _app.MapRazorPages();
            Endpoints = new CompositeEndpointDataSource(((IEndpointRouteBuilder)_app).DataSources);
            Cached = [.. Endpoints.Endpoints.OfType<RouteEndpoint>().Where(CachedPublicReads.IsCached)];
        }

        public EndpointDataSource Endpoints { get; }

        public IReadOnlyList<RouteEndpoint> Cached { get; }

        public void Dispose() => ((IDisposable)_app).Dispose();
    }

    [Fact]
    public void The_cached_endpoints_are_the_public_pages_the_content_api_and_the_feeds()
    {
        var templates = site.Cached.Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Superset(
            new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "/", "/conditions/{slug}", "/research", "/privacy", "/terms", "/crisis-resources", "/ketamine-treatment",
                "/research/feed.xml", "/sitemap.xml", "/robots.txt", "/api/content/conditions", "/api/content/conditions/{slug}",
                "/api/content/articles", "/api/content/treatment", "/api/content/crisis-resources",
            },
            templates);
        Assert.DoesNotContain(templates, t => t.StartsWith("/staff", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("GET", "/", true)]
    [InlineData("GET", "", true)]
    [InlineData("HEAD", "/sitemap.xml", true)]
    [InlineData("GET", "/research", true)]
    [InlineData("GET", "/RESEARCH", true)]
    [InlineData("GET", "/research/", true)]
    [InlineData("GET", "/research//", false)]
    [InlineData("GET", "//research", false)]
    [InlineData("GET", "/research/extra", false)]
    [InlineData("GET", "/conditions/ptsd", true)]
    [InlineData("GET", "/Conditions/Any-Slug/", true)]
    [InlineData("GET", "/conditions", false)]
    [InlineData("GET", "/conditions/ptsd/extra", false)]
    [InlineData("GET", "/api/content/conditions/ptsd", true)]
    [InlineData("GET", "/api/content/conditions/ptsd/articles", false)]
    [InlineData("GET", "/staff/content", false)]
    [InlineData("GET", "/staff/content/preview/site/conditions/ptsd/condition/ptsd", false)]
    [InlineData("GET", "/schedule", false)]
    [InlineData("POST", "/", false)]
    [InlineData("OPTIONS", "/conditions/ptsd", false)]
    public void A_read_of_a_cached_address_is_one_and_nothing_else_is(string method, string path, bool expected)
    {
        var request = Request(method, path);
        Assert.Equal(expected, new CachedPublicReads(site.Endpoints).Contains(request));
        Assert.Equal(expected, TemplateAnswer(site.Cached, request));
    }

    [Fact]
    public void Every_method_and_address_near_the_cached_ones_is_answered_as_the_route_templates_answer()
    {
        var reads = new CachedPublicReads(site.Endpoints);
        var samples = site.Cached.SelectMany(e => Samples(e.RoutePattern)).Distinct().ToList();
        var paths = samples.SelectMany(NearMisses).Concat(
        [
            "", "/", "//", "///", "/index", "/Index", "/Home/Index", "/conditions", "/conditions/", "/conditions//", "/research/feed",
            "/sitemap", "/sitemap.xml.bak", "/api/content", "/api/content/", "/staff/content", "/staff/content/preview/site/home/home",
            "/staff/content/preview/site/research/article/x", "/staff/content/edit/condition/ptsd", "/account/login", "/schedule",
            "/metrics", "/health/live",
        ]).Distinct().ToList();

        var disagreements = (
            from method in Methods
            from path in paths
            from query in new[] { "", "?condition=ptsd&q=ketamine" }
            let request = Request(method, path, query)
            let expected = TemplateAnswer(site.Cached, request)
            where reads.Contains(request) != expected
            select $"{method} {path}{query}: the templates say {expected}").ToList();

        Assert.Empty(disagreements);
        Assert.Contains(paths, path => reads.Contains(Request("GET", path)));
    }

    [Theory]
    [InlineData("/docs/{**rest}")]
    [InlineData("/items/{id}/{**rest}")]
    [InlineData("/optional/{value?}")]
    [InlineData("/default/{value=1}")]
    [InlineData("/middle/{value=1}/tail")]
    [InlineData("/{page}")]
    [InlineData("/{**everything}")]
    public void Route_shapes_the_site_does_not_cache_yet_are_answered_as_their_templates_answer(string template)
    {
        var pattern = RoutePatternFactory.Parse(template);
        var addresses = RouteAddresses.Of([pattern]);
        var matcher = new TemplateMatcher(new RouteTemplate(pattern), new RouteValueDictionary(pattern.Defaults));
        string[] paths =
        [
            "", "/", "//", "/docs", "/docs/", "/docs/a", "/docs/a/b/", "/docs//a", "/DOCS/a", "/items", "/items/1", "/items/1/",
            "/items/1/x/y", "/items//x", "/optional", "/optional/", "/optional/a", "/optional/a/b", "/default", "/default/2",
            "/default/2/3", "/middle", "/middle/2", "/middle/2/tail", "/middle/tail", "/MIDDLE/2/TAIL/", "/page", "/page/",
            "/page/x", "/x//",
        ];

        Assert.All(paths, path => Assert.True(
            matcher.TryMatch(path, new RouteValueDictionary()) == addresses.Contains(path),
            $"{template} and {path}: the template says {matcher.TryMatch(path, new RouteValueDictionary())}"));
    }

    [Fact]
    public void A_cached_route_mixing_text_and_parameters_in_a_segment_leaves_its_reads_traced_and_the_other_routes_answered()
    {
        var reads = new CachedPublicReads(new DefaultEndpointDataSource(
            Route("/files/{name}.xml", cached: true), Route("/research", cached: true), Route("/conditions/{slug}", cached: true),
            Route("/schedule", cached: false)));

        // Routing would serve it from the cache; answered "not cached", its reads keep their spans, as uncached pages do.
        Assert.True(TemplateAnswer([Route("/files/{name}.xml", cached: true)], Request("GET", "/files/report.xml")));

        // Asked twice: the answers are built on first use, and neither that request nor any after it may fail.
        for (var ask = 0; ask < 2; ask++)
        {
            Assert.False(reads.Contains(Request("GET", "/files/report.xml")));
            Assert.True(reads.Contains(Request("GET", "/research")));
            Assert.True(reads.Contains(Request("HEAD", "/Conditions/ptsd/")));
            Assert.False(reads.Contains(Request("GET", "/conditions")));
            Assert.False(reads.Contains(Request("GET", "/schedule")));
        }
    }

    [Fact]
    public void A_route_mixing_text_and_parameters_in_a_segment_is_set_aside_and_matches_nothing()
    {
        var addresses = RouteAddresses.Of(
            [RoutePatternFactory.Parse("/files/{name}.xml"), RoutePatternFactory.Parse("/sitemap.xml"), RoutePatternFactory.Parse("/conditions/{slug}")]);

        Assert.Equal(["/files/{name}.xml"], addresses.Unread.Select(pattern => pattern.RawText));
        Assert.False(addresses.Contains("/files/report.xml"));
        Assert.True(addresses.Contains("/sitemap.xml"));
        Assert.True(addresses.Contains("/conditions/ptsd"));
    }

    [Fact]
    public void No_cached_route_of_the_site_is_set_aside_so_none_of_its_reads_is_traced_for_want_of_matching() =>
        Assert.Empty(RouteAddresses.Of(site.Cached.Select(e => e.RoutePattern)).Unread.Select(pattern => pattern.RawText));

    [Fact]
    public void Asking_allocates_nothing()
    {
        var services = new ServiceCollection().AddSingleton(new CachedPublicReads(site.Endpoints)).BuildServiceProvider();
        var requests = new[]
        {
            Request("GET", "/"), Request("GET", "/research/"), Request("HEAD", "/conditions/ptsd"), Request("GET", "/Api/Content/Conditions/ptsd"),
            Request("GET", "/staff/content/preview/site/conditions/ptsd/condition/ptsd"), Request("GET", "/schedule"), Request("POST", "/"),
        };
        foreach (var request in requests)
        {
            request.HttpContext.RequestServices = services;
        }

        // Warm-up: every path through the call taken, so its one-off work (types loaded, the addresses built) is done.
        var cached = 0;
        for (var i = 0; i < 1_000; i++)
        {
            cached += CountCached(requests);
        }

        // The runtime can still do one-off work on this thread during a round (tiered compilation replacing the code
        // mid-loop, say). An allocation per call would show in every round of 70,000 calls, a one-off in one round, so the
        // fewest bytes over the rounds must be none.
        var allocatedPerRound = new long[5];
        for (var round = 0; round < allocatedPerRound.Length; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                cached += CountCached(requests);
            }

            allocatedPerRound[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(allocatedPerRound.Min() == 0, $"Bytes allocated in each round of 70,000 calls: {string.Join(", ", allocatedPerRound)}.");
        Assert.Equal((1_000 + (allocatedPerRound.Length * 10_000)) * 4, cached);
    }

    private static int CountCached(HttpRequest[] requests)
    {
        var count = 0;
        foreach (var request in requests)
        {
            count += ContentModule.IsCachedPublicRead(request) ? 1 : 0;
        }

        return count;
    }

    /// <summary>The answer before <see cref="RouteAddresses"/>: a read whose path one cached route template matches.</summary>
    private static bool TemplateAnswer(IEnumerable<RouteEndpoint> cached, HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && cached.Any(e => new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults))
            .TryMatch(request.Path, new RouteValueDictionary()));

    private static RouteEndpoint Route(string template, bool cached) => new(
        _ => Task.CompletedTask,
        RoutePatternFactory.Parse(template),
        order: 0,
        cached ? new EndpointMetadataCollection(new OutputCacheAttribute()) : EndpointMetadataCollection.Empty,
        template);

    private static HttpRequest Request(string method, string path, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = query.Length == 0 ? QueryString.Empty : new QueryString(query);
        return context.Request;
    }

    /// <summary>Concrete addresses for a route: each parameter given a few slugs, of other cases and characters too.</summary>
    private static IEnumerable<string> Samples(RoutePattern route) =>
        new[] { "ptsd", "PTSD", "treatment-resistant-depression", "a.b", "x_y~z" }.Select(value =>
            "/" + string.Join("/", route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternParameterPart => value,
                _ => throw new InvalidOperationException($"No sample for a part of {route.RawText}."),
            })))));

    private static IEnumerable<string> NearMisses(string path)
    {
        var parent = path.LastIndexOf('/') is > 0 and var last ? path[..last] : "/";
        return
        [
            path, path.ToUpperInvariant(), path + "/", path + "//", path + "/extra", path + "/extra/", "/prefix" + path, "/" + path,
            parent, parent + "/", path + "x", path + "?x", path + "%2F", path.Replace("/", "//", StringComparison.Ordinal),
        ];
    }
}
