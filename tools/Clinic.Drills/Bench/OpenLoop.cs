using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Clinic.Drills.Bench;

/// <summary>One accepted submission: when it was meant to be sent (wall clock) and the reference it got.</summary>
internal sealed record AcceptedSubmission(string Reference, DateTime IntendedAtUtc, double LatencyMs);

internal sealed record OpenLoopResult(double OfferedPerSecond, TimeSpan Duration, int Sent, IReadOnlyList<AcceptedSubmission> Accepted, IReadOnlyDictionary<string, int> Failures, DateTime StartedAtUtc)
{
    /// <summary>When request number <paramref name="number"/> was due (wall clock), whatever became of it.</summary>
    public DateTime DueAtUtc(int number) => StartedAtUtc + TimeSpan.FromSeconds(number / OfferedPerSecond);

    public double AcceptedPerSecond => Accepted.Count / Duration.TotalSeconds;

    public double Percentile(double p) => Percentiles.Of(Accepted.Select(a => a.LatencyMs), p);
}

/// <summary>
/// Offers Schedule A Call requests through the JSON API at a fixed rate, whatever the host does (open loop).
/// Each request's latency runs from the moment it was <em>due</em>, not the moment it was sent, so a stall
/// in the host (or in this generator) shows up in the numbers instead of thinning the load: no coordinated
/// omission. Every request carries its own Idempotency-Key, as the API asks of clients.
/// </summary>
internal static class OpenLoop
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 2048,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        // A form post's 302 is its answer; following it would add a page view to every submission.
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Clinic's JSON API: each accepted request is known by the reference in its answer.</summary>
    public static Task<OpenLoopResult> RunAsync(Uri host, double perSecond, TimeSpan duration, string run)
    {
        var endpoint = new Uri(host, "api/intake/requests");
        return RunAsync(
            perSecond,
            duration,
            number =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(Infrastructure.IntakeLoad.Body(number)) };
                request.Headers.Add("Idempotency-Key", $"{run}-{perSecond}-{number}");
                return request;
            },
            (_, response, body) =>
            {
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                using var answer = JsonDocument.Parse(body);
                return answer.RootElement.GetProperty("reference").GetString() ?? "";
            });
    }

    /// <param name="build">The request for a number (0, 1, …).</param>
    /// <param name="accepted">The accepted request's key (its reference), or null when the answer is a refusal.</param>
    public static async Task<OpenLoopResult> RunAsync(double perSecond, TimeSpan duration, Func<int, HttpRequestMessage> build, Func<int, HttpResponseMessage, string, string?> accepted)
    {
        var total = (int)(perSecond * duration.TotalSeconds);
        var answered = new ConcurrentBag<AcceptedSubmission>();
        var failures = new ConcurrentDictionary<string, int>();
        var requests = new List<Task>(total);
        var startWall = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * Stopwatch.Frequency / perSecond);
            // Sleep, never spin: on two cores a spinning generator would take CPU from the host it measures.
            // A late wake-up sends late, and that lateness counts in the latency (measured from the due time).
            if (Stopwatch.GetTimestamp() is var now && now < due)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.001, (double)(due - now) / Stopwatch.Frequency)));
            }

            var number = i;
            requests.Add(SendAsync(number, due));
        }

        await Task.WhenAll(requests);
        return new OpenLoopResult(perSecond, duration, total, [.. answered], failures, startWall);

        async Task SendAsync(int number, long due)
        {
            string failure;
            try
            {
                using var request = build(number);
                using var response = await Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var latency = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                if (accepted(number, response, body) is { } reference)
                {
                    var intended = startWall + TimeSpan.FromSeconds((double)(due - start) / Stopwatch.Frequency);
                    answered.Add(new AcceptedSubmission(reference, intended, latency));
                    return;
                }

                failure = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException e)
            {
                failure = e.HttpRequestError.ToString();
            }
            catch (TaskCanceledException)
            {
                failure = "timeout";
            }

            failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
        }
    }
}

internal static class Percentiles
{
    /// <summary>The nearest-rank percentile (p in 0–100); NaN for no samples.</summary>
    public static double Of(IEnumerable<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
