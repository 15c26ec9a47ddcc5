using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <summary>WordPress's answer to the moderator-e-mail path at one offered rate (open loop, like Clinic's pipeline rows).</summary>
internal sealed record WordPressMailLatency(int Rate, int Offered, int Accepted, int Mailed, double P50, double P99, double Max, IReadOnlyDictionary<string, int> Failures);

/// <summary>Everything measured on the WordPress peer, to be set beside Clinic's figures in the table.</summary>
internal sealed record WordPressResults(
    int PageBytes,
    WrkResult Uncached,
    WrkResult Cached,
    WrkResult Comments,
    long CommentsHeld,
    long CommentsMailed,
    double CpuMsPerComment,
    IReadOnlyList<WordPressMailLatency> Mail)
{
    /// <summary>Posts answered with success that left a held comment (an error page can come with a 200, so both must agree).</summary>
    public double CommentsPerSecond => Math.Min(CommentsHeld, Comments.Requests - Comments.NonSuccess) / Comments.Seconds;
}

/// <summary>Runs the WordPress peer through the same loads as Clinic: the page under wrk, comments under wrk and open loop.</summary>
internal static partial class WordPressMeasure
{
    public static async Task<WordPressResults> RunAsync(SmtpSink smtp, TimeSpan warmUp, TimeSpan phase, bool quick, string run, Action<string> progress)
    {
        var (title, page) = PtsdPage();
        await using var peer = await WordPressPeer.StartAsync(smtp.Port, title, page, progress);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var pageBytes = (await http.GetByteArrayAsync(peer.UncachedPage)).Length;

        progress("wordpress: the PTSD page, uncached (every request through PHP and MariaDB)");
        await Wrk.RunAsync(peer.UncachedPage, warmUp, 64);
        var uncached = await Wrk.RunAsync(peer.UncachedPage, phase * 1.5, 64);
        progress("wordpress: the PTSD page behind nginx's FastCGI cache");
        await Wrk.RunAsync(peer.CachedPage, warmUp, 64);
        var cached = await Wrk.RunAsync(peer.CachedPage, phase * 1.5, 64);

        progress($"wordpress: comments held for moderation for {phase.TotalSeconds * 2:0} s (wrk, 32 connections; each stored and e-mailed inside its request)");
        var heldBefore = await peer.HeldCommentsAsync();
        var cpuBefore = peer.CpuSeconds();
        var mailedBefore = smtp.Read().Count;
        var script = await peer.CommentScriptAsync();
        var comments = await Wrk.RunAsync(peer.CommentEndpoint, phase * 2, 32, script, run);
        var held = await SettleAsync(peer) - heldBefore;
        var cpuMs = (peer.CpuSeconds() - cpuBefore) * 1000 / Math.Max(1, held);
        var mailed = smtp.Read().Count - mailedBefore;

        var mail = new List<WordPressMailLatency>();
        foreach (var rate in quick ? [50] : new[] { 50, 100 })
        {
            progress($"wordpress: {rate} comments/s offered, submission → moderator e-mail received");
            var prefix = $"wpbench-{run}-{rate}-";
            var load = await OpenLoop.RunAsync(
                rate,
                TimeSpan.FromSeconds(quick ? 10 : 20),
                number => new HttpRequestMessage(HttpMethod.Post, peer.CommentEndpoint) { Content = peer.Comment(prefix + number) },
                // A held comment answers with a redirect back to the page; an error page (200 or 4xx) is a refusal.
                (number, response, _) => response.StatusCode == HttpStatusCode.Found ? prefix + number : null);
            // Timed-out posts may still be stored and mailed: wait for PHP to finish them, then count every e-mail.
            await SettleAsync(peer);
            var due = Enumerable.Range(0, load.Sent).ToDictionary(n => prefix + n, load.DueAtUtc, StringComparer.Ordinal);
            var received = smtp.ReceivedAt(due.Keys.ToHashSet(StringComparer.Ordinal), Token());
            var latencies = received.Select(r => (r.Value - due[r.Key]).TotalMilliseconds).ToList();
            mail.Add(new WordPressMailLatency(rate, load.Sent, load.Accepted.Count, received.Count,
                Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), Percentiles.Of(latencies, 100), load.Failures));
        }

        return new WordPressResults(pageBytes, uncached, cached, comments, held, mailed, cpuMs, mail);
    }

    /// <summary>
    /// Waits until no more comments are being stored (PHP finishes requests whose clients gave up), so the next phase
    /// starts from a quiet peer; fails rather than hangs if it never settles.
    /// </summary>
    private static async Task<long> SettleAsync(WordPressPeer peer)
    {
        var clock = Stopwatch.StartNew();
        var last = await peer.HeldCommentsAsync();
        var stableSince = clock.Elapsed;
        while (clock.Elapsed - stableSince < TimeSpan.FromSeconds(3))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("WordPress peer: comments were still being stored 5 minutes after the load stopped.");
            }

            await Task.Delay(500);
            var now = await peer.HeldCommentsAsync();
            if (now != last)
            {
                (last, stableSince) = (now, clock.Elapsed);
            }
        }

        return last;
    }

    /// <summary>
    /// The PTSD page's text as Clinic serves it: the condition's name and description from Content's data files and
    /// the research articles listed under it (compiled into this tool from the same files).
    /// </summary>
    public static (string Title, string Html) PtsdPage()
    {
        using var conditions = JsonDocument.Parse(Resource("conditions.json"));
        using var articles = JsonDocument.Parse(Resource("articles.json"));
        var ptsd = conditions.RootElement.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("slug").GetString() == "ptsd");
        var html = new StringBuilder();
        foreach (var paragraph in ptsd.GetProperty("description").EnumerateArray())
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph.GetString())).Append("</p>\n");
        }

        html.Append("<h2>Research Articles</h2>\n<ul>\n");
        foreach (var article in articles.RootElement.GetProperty("articles").EnumerateArray()
                     .Where(a => a.GetProperty("conditions").EnumerateArray().Any(c => c.GetString() == "ptsd")))
        {
            html.Append("<li>").Append(WebUtility.HtmlEncode(article.GetProperty("asListed")[0].GetString())).Append("</li>\n");
        }

        html.Append("</ul>\n");
        return (ptsd.GetProperty("name").GetString() ?? "PTSD", html.ToString());
    }

    private static Stream Resource(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("Clinic.Content." + name)
        ?? throw new InvalidOperationException($"Content's {name} is not compiled into the bench.");

    [GeneratedRegex("wpbench-[0-9a-z]+(?:-[0-9a-z]+)+")]
    private static partial Regex Token();
}
