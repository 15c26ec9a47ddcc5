using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;
using Npgsql;

namespace Clinic.Drills.Bench;

/// <summary>One inbox view's latencies over HTTP, and the answers that were not the page asked for.</summary>
internal sealed record InboxViewResult(string View, string Path, int Samples, double P50Ms, double P99Ms, double MaxMs, int Redirects, IReadOnlyDictionary<string, int> Failures)
{
    public int Failed => Failures.Values.Sum();
}

/// <summary>
/// The staff inbox at scale: a signed-in staff member's browser (cookies, no redirect following) asks the
/// published host for the default view (open requests, first page), the overdue filter and a lookup by
/// reference, one request at a time after a warm-up, and the latency of each answer is kept. A lookup may
/// answer with the page or with a redirect to the request; either counts when it names the request asked for.
/// </summary>
internal static partial class InboxMeasure
{
    public const string StaffUser = "bench.staff";
    public const double TargetP99Ms = 100;
    public const long TargetRequests = 300_000;

    public static readonly (string View, string Path)[] Views =
    [
        ("default view (open requests, first page)", "staff"),
        ("overdue filter", "staff?overdue=true"),
        ("lookup by reference", "staff?find="),
    ];

    /// <summary>Makes (or resets) a staff account through the host's own users command and signs it in.</summary>
    public static async Task<HttpClient> SignInAsync(ClinicHost host)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        // The accounts may outlive a run (their schema is not the stage's): a second run resets the password instead.
        var (added, _) = await host.RunCommandAsync($"users add {StaffUser} --role Staff", password);
        if (added != 0 && (await host.RunCommandAsync($"users reset-password {StaffUser}", password)).ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not create or reset the staff account {StaffUser}; see {host.Name}'s log.");
        }

        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var form = await http.GetStringAsync("account/login");
        var token = AntiforgeryToken().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        }

        using var signIn = await http.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = StaffUser,
            ["Password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        }));
        using var check = await http.GetAsync("staff");
        if (check.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Signing in as {StaffUser} did not reach the inbox: sign-in answered {(int)signIn.StatusCode}, /staff answered {(int)check.StatusCode} {check.Headers.Location}.");
        }

        return http;
    }

    /// <summary>Warms each view up, then times <paramref name="samples"/> sequential answers of each.</summary>
    public static async Task<IReadOnlyList<InboxViewResult>> MeasureAsync(HttpClient http, IReadOnlyList<(Guid Id, string Reference)> lookups, int warmUp, int samples)
    {
        var results = new List<InboxViewResult>();
        foreach (var (view, path) in Views)
        {
            var lookup = path.EndsWith('=');
            var latencies = new List<double>(samples);
            var failures = new Dictionary<string, int>();
            var redirects = 0;
            for (var i = 0; i < warmUp + samples; i++)
            {
                var (id, reference) = lookups[i % lookups.Count];
                var target = lookup ? path + Uri.EscapeDataString(reference) : path;
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync(target, HttpCompletionOption.ResponseContentRead);
                var body = await response.Content.ReadAsStringAsync();
                var elapsed = clock.Elapsed.TotalMilliseconds;
                var outcome = InboxAnswers.Judge((int)response.StatusCode, response.Headers.Location?.ToString(), body, lookup ? (id, reference) : null);
                if (outcome == InboxAnswers.Answer.SignedOut)
                {
                    throw new InvalidOperationException($"The inbox sent {StaffUser} to {response.Headers.Location}: the session did not hold.");
                }

                if (i < warmUp)
                {
                    continue;
                }

                if (outcome is InboxAnswers.Answer.Page or InboxAnswers.Answer.Redirect)
                {
                    latencies.Add(elapsed);
                    redirects += outcome == InboxAnswers.Answer.Redirect ? 1 : 0;
                }
                else
                {
                    var key = $"{(int)response.StatusCode} {outcome}";
                    failures[key] = failures.GetValueOrDefault(key) + 1;
                }
            }

            results.Add(new InboxViewResult(view, "/" + (lookup ? path + "KC-…" : path), samples, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), Percentiles.Of(latencies, 100), redirects, failures));
        }

        return results;
    }

    /// <summary>Requests to look up, picked at random from the whole history (the host's own and the clones).</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Reference)>> SampleRequestsAsync(DrillStage stage, int count)
    {
        await using var connection = new NpgsqlConnection(stage.Settings.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select stream_id, data->>'Reference' from {stage.Schema}.mt_events where type = 'intake_request_submitted' order by random() limit {count}", connection)
        { CommandTimeout = 600 };
        var sample = new List<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sample.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return sample.Count > 0 ? sample : throw new InvalidOperationException("The history holds no submitted request to look up.");
    }

    /// <summary>The bench table's row for one view: met when its p99 is under target with the store at full size and every answer right.</summary>
    public static BenchRow Row(InboxViewResult result, long requestsStored) => new(
        $"Staff inbox {result.View} `{result.Path}`, {Format.Number(requestsStored)} requests stored (HTTP, signed in, sequential)",
        $"p50 {Format.Ms(result.P50Ms)}, p99 {Format.Ms(result.P99Ms)}, max {Format.Ms(result.MaxMs)}",
        "", "",
        string.Create(CultureInfo.InvariantCulture, $"p99 < {TargetP99Ms:0} ms with ≥ {Format.Number(TargetRequests)} stored"),
        result.P99Ms < TargetP99Ms && requestsStored >= TargetRequests && result.Failed == 0,
        string.Join("; ", new[]
        {
            result.Failed == 0 ? "" : $"{result.Failed} of {result.Samples} answers were not the view asked for: {string.Join(", ", result.Failures.Select(f => $"{f.Key} ×{f.Value}"))}",
            result.Redirects == 0 ? "" : $"{result.Redirects} of {result.Samples} answers were a redirect to the request (timed to the redirect)",
        }.Where(s => s.Length > 0)));

    [GeneratedRegex("<input (?=[^>]*name=\"__RequestVerificationToken\")(?=[^>]*value=\"([^\"]*)\")[^>]*>")]
    private static partial Regex AntiforgeryToken();
}
