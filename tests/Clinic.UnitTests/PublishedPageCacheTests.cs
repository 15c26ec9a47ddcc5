using System.Buffers;
using System.Diagnostics;
using System.Text;
using Clinic.Modules.Content;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Clinic.UnitTests;

/// <summary>
/// Which answers the page cache in front of routing keeps and serves (PublishedPageCache): a public page read by
/// someone who sent nothing personal, rendered and served again until the next publication, byte for byte.
/// </summary>
public sealed class PublishedPageCacheTests
{
    private const string PagePath = "/conditions/ptsd";

    /// <summary>Stands for "no endpoint was chosen" (a request no route answered).</summary>
    private static readonly Endpoint Unrouted = new(null, null, "unrouted");

    private readonly PublishedContent _published = new(ContentLibrary.LoadEmbedded());
    private readonly ManualClock _clock = new();
    private readonly Endpoint _conditionPage = Route("/conditions/{slug}", new OutputCacheAttribute());
    private readonly PublishedPageCache _cache;
    private int _renders;

    public PublishedPageCacheTests() =>
        _cache = new PublishedPageCache(_published, new CachedPublicReads(new DefaultEndpointDataSource(_conditionPage)), _clock);

    [Fact]
    public async Task A_second_read_of_a_page_is_answered_as_first_rendered_without_rendering_again()
    {
        var first = await ReadAsync("GET", PagePath);
        _clock.Advance(TimeSpan.FromSeconds(42));
        var second = await ReadAsync("GET", PagePath);

        Assert.Equal(1, _renders);
        Assert.Equal(200, second.StatusCode);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("text/html; charset=utf-8", second.Headers.ContentType);
        Assert.Equal("kept", second.Headers["X-Page"]);
        Assert.Equal("42", second.Headers.Age);
        Assert.Equal(Encoding.UTF8.GetByteCount(first.Body), second.Headers.ContentLength);
    }

    [Fact]
    public async Task The_servers_own_headers_are_written_afresh_not_replayed()
    {
        await ReadAsync("GET", PagePath, page: response =>
        {
            response.Headers.Date = "Tue, 01 Dec 2026 08:00:00 GMT";
            response.Headers.Server = "rendering";
        });

        var kept = await ReadAsync("GET", PagePath);

        Assert.Equal(1, _renders);
        Assert.False(kept.Headers.ContainsKey("Date"));
        Assert.False(kept.Headers.ContainsKey("Server"));
    }

    [Fact]
    public async Task A_head_request_gets_the_kept_pages_headers_and_no_body()
    {
        var page = await ReadAsync("GET", PagePath);
        var head = await ReadAsync("HEAD", PagePath);

        Assert.Equal(1, _renders);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("", head.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(page.Body), head.Headers.ContentLength);
    }

    [Fact]
    public async Task A_publication_retires_every_kept_page_at_once()
    {
        await ReadAsync("GET", PagePath);
        Publish();

        var after = await ReadAsync("GET", PagePath);

        Assert.Equal(2, _renders);
        Assert.Contains("render 2", after.Body, StringComparison.Ordinal);
        Assert.Equal(2, (await ReadAsync("GET", PagePath)).Renders);
    }

    [Fact]
    public async Task A_page_rendered_while_a_publication_landed_is_served_but_not_kept()
    {
        var straddling = await ReadAsync("GET", PagePath, during: Publish);
        var next = await ReadAsync("GET", PagePath);

        Assert.Contains("render 1", straddling.Body, StringComparison.Ordinal);
        Assert.Contains("render 2", next.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kept_page_is_rendered_again_once_its_lifetime_is_over()
    {
        await ReadAsync("GET", PagePath);
        _clock.Advance(TimeSpan.FromMinutes(10));

        await ReadAsync("GET", PagePath);

        Assert.Equal(2, _renders);
    }

    [Theory]
    [InlineData("Cookie", "clinic.af=token")]
    [InlineData("Authorization", "Bearer token")]
    public async Task A_read_that_carries_credentials_or_cookies_is_always_rendered_and_never_kept(string header, string value)
    {
        await ReadAsync("GET", PagePath, request => request.Headers[header] = value);
        await ReadAsync("GET", PagePath, request => request.Headers[header] = value);
        await ReadAsync("GET", PagePath);

        Assert.Equal(3, _renders);
    }

    [Fact]
    public async Task A_read_with_a_query_is_always_rendered_and_never_kept()
    {
        await ReadAsync("GET", PagePath, request => request.QueryString = new QueryString("?q=ketamine"));
        await ReadAsync("GET", PagePath, request => request.QueryString = new QueryString("?q=ketamine"));

        Assert.Equal(2, _renders);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task Writes_other_than_reads_always_reach_the_page()
    {
        await ReadAsync("GET", PagePath);
        await ReadAsync("POST", PagePath);

        Assert.Equal(2, _renders);
    }

    [Theory]
    [InlineData("not found")]
    [InlineData("sets a cookie")]
    [InlineData("uncached endpoint")]
    [InlineData("preview")]
    [InlineData("no endpoint")]
    public async Task Only_an_ok_answer_that_sets_no_cookie_from_a_cached_public_endpoint_is_kept(string answer)
    {
        for (var read = 0; read < 2; read++)
        {
            _ = answer switch
            {
                "not found" => await ReadAsync("GET", PagePath, page: response => response.StatusCode = 404),
                "sets a cookie" => await ReadAsync("GET", PagePath, page: response => response.Headers.SetCookie = "visitor=1"),
                "uncached endpoint" => await ReadAsync("GET", PagePath, endpoint: Route("/conditions/{slug}")),
                "preview" => await ReadAsync("GET", PagePath, endpoint: Route("/conditions/{slug}", new OutputCacheAttribute(), new PreviewEndpoint())),
                _ => await ReadAsync("GET", PagePath, endpoint: Unrouted),
            };
        }

        Assert.Equal(0, _cache.Count);
        Assert.Equal(2, _renders);
    }

    [Theory]
    [InlineData("clinic.example", "/conditions/PTSD")]
    [InlineData("clinic.example", "/Conditions/ptsd")]
    [InlineData("clinic.example", "/conditions/ptsd/")]
    [InlineData("Clinic.Example", "/conditions/ptsd")]
    [InlineData("clinic.example:1", "/conditions/ptsd")]
    public async Task Only_a_pages_canonical_address_is_kept(string host, string path)
    {
        await ReadAsync("GET", path, request => request.Host = new HostString(host));
        await ReadAsync("GET", path, request => request.Host = new HostString(host));

        Assert.Equal(2, _renders);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task The_home_page_and_the_hosts_own_port_are_canonical()
    {
        var home = Route("/", new OutputCacheAttribute());
        var cache = new PublishedPageCache(_published, new CachedPublicReads(new DefaultEndpointDataSource(home)), _clock);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/";
        context.Request.Host = new HostString("localhost:8080");
        context.Connection.LocalPort = 8080;

        await cache.InvokeAsync(context, rendering =>
        {
            rendering.SetEndpoint(home);
            return rendering.Response.WriteAsync("home");
        });

        Assert.True(cache.Holds("/"));
    }

    [Fact]
    public async Task A_rendered_page_is_sent_with_its_length()
    {
        var first = await ReadAsync("GET", PagePath);

        Assert.Equal(Encoding.UTF8.GetByteCount(first.Body), first.Headers.ContentLength);
    }

    [Theory]
    [InlineData("Cache-Control", "private, max-age=60")]
    [InlineData("Cache-Control", "no-store")]
    [InlineData("Vary", "Accept-Language")]
    public async Task A_page_that_marks_its_answer_private_or_varying_is_not_kept(string header, string value)
    {
        await ReadAsync("GET", PagePath, page: response => response.Headers[header] = value);
        await ReadAsync("GET", PagePath, page: response => response.Headers[header] = value);

        Assert.Equal(2, _renders);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task A_head_request_that_misses_is_rendered_and_not_kept()
    {
        await ReadAsync("HEAD", PagePath);
        await ReadAsync("HEAD", PagePath);

        Assert.Equal(2, _renders);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task A_failing_render_leaves_the_response_writable_and_nothing_kept()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = PagePath;
        var body = new MemoryStream();
        context.Response.Body = body;

        await Assert.ThrowsAsync<InvalidOperationException>(() => _cache.InvokeAsync(context, rendering =>
        {
            rendering.SetEndpoint(_conditionPage);
            throw new InvalidOperationException("the page failed");
        }));

        Assert.Same(body, context.Response.Body);
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public async Task An_answer_the_output_cache_served_is_kept_only_for_the_rest_of_its_lifetime()
    {
        await ReadAsync("GET", PagePath, page: response => response.Headers.Age = "540");
        var kept = await ReadAsync("GET", PagePath);
        _clock.Advance(TimeSpan.FromSeconds(61));
        await ReadAsync("GET", PagePath);

        Assert.Equal("540", kept.Headers.Age);
        Assert.Equal(2, _renders);
    }

    [Fact]
    public async Task Once_full_only_retired_pages_make_room()
    {
        for (var page = 0; page < PublishedPageCache.MaxPages; page++)
        {
            await ReadAsync("GET", $"/conditions/condition-{page}");
        }

        await ReadAsync("GET", PagePath);
        Assert.False(_cache.Holds(PagePath));
        Assert.True(_cache.Holds("/conditions/condition-0"));

        Publish();
        await ReadAsync("GET", PagePath);

        Assert.True(_cache.Holds(PagePath));
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public async Task A_page_written_through_the_responses_pipe_is_kept_whole()
    {
        var first = await ReadAsync("GET", PagePath, page: response => response.BodyWriter.Write(Encoding.UTF8.GetBytes(" and the pipe")));
        var second = await ReadAsync("GET", PagePath);

        Assert.EndsWith(" and the pipe", first.Body, StringComparison.Ordinal);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(1, _renders);
    }

    [Fact]
    public async Task Addresses_no_cached_endpoint_answers_go_to_the_pipeline_untouched()
    {
        await ReadAsync("GET", "/schedule", endpoint: Route("/schedule"));
        await ReadAsync("GET", "/schedule", endpoint: Route("/schedule"));

        Assert.Equal(2, _renders);
        Assert.Equal(0, _cache.Count);
    }

    private void Publish() =>
        _published.Replace(new PublishedContent.Snapshot(ContentLibrary.LoadEmbedded(), [], $"publication at render {_renders}"));

    private async Task<Answer> ReadAsync(
        string method,
        string path,
        Action<HttpRequest>? request = null,
        Action? during = null,
        Action<HttpResponse>? page = null,
        Endpoint? endpoint = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("clinic.example");
        context.Request.Path = path;
        request?.Invoke(context.Request);
        var body = new MemoryStream();
        context.Response.Body = body;
        var chosen = endpoint ?? _conditionPage;

        await _cache.InvokeAsync(context, async rendering =>
        {
            _renders++;
            rendering.SetEndpoint(chosen == Unrouted ? null : chosen);
            during?.Invoke();
            rendering.Response.ContentType = "text/html; charset=utf-8";
            rendering.Response.Headers["X-Page"] = "kept";
            await rendering.Response.WriteAsync($"<p>{path}, render {_renders}</p>");
            page?.Invoke(rendering.Response);
        });
        await context.Response.CompleteAsync();
        return new Answer(context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()), _renders);
    }

    private static RouteEndpoint Route(string template, params object[] metadata) =>
        new(_ => Task.CompletedTask, RoutePatternFactory.Parse(template), 0, new EndpointMetadataCollection(metadata), template);

    private sealed record Answer(int StatusCode, IHeaderDictionary Headers, string Body, int Renders);

    private sealed class ManualClock : TimeProvider
    {
        private long _timestamp = Stopwatch.GetTimestamp();

        public override long GetTimestamp() => _timestamp;

        public void Advance(TimeSpan by) => _timestamp += (long)(by.TotalSeconds * TimestampFrequency);
    }
}
