using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Clinic.Drills.Infrastructure;

/// <summary>One visitor's request, as its client saw it.</summary>
internal sealed class Submission(int number)
{
    public int Number { get; } = number;

    /// <summary>Kept across attempts: a retry after a lost answer is the same request, not a new one.</summary>
    public string IdempotencyKey { get; } = Guid.NewGuid().ToString();

    public string? Reference { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }
}

/// <summary>
/// Submits Schedule A Call requests through the JSON API at a fixed offered rate (open loop: a slow or
/// absent host does not slow the schedule down). Each client keeps retrying with its Idempotency-Key
/// until it gets a 2xx, as a well-behaved client would, and the answers are tallied by kind.
/// </summary>
internal sealed class IntakeLoad(Func<IReadOnlyList<ClinicHost>> targets)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private readonly ConcurrentBag<Submission> _submissions = [];
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private int _roundRobin;

    public IReadOnlyCollection<Submission> Submissions => _submissions;

    /// <summary>How many clients have had a 2xx so far.</summary>
    public int Acknowledged => _submissions.Count(s => s.Reference is not null);

    /// <summary>Answers by kind: "201", "200", "503", "connection refused", "timeout", …</summary>
    public IReadOnlyDictionary<string, int> Answers => _answers;

    public int Count(Func<string, bool> kind) => _answers.Where(a => kind(a.Key)).Sum(a => a.Value);

    /// <summary>Offers <paramref name="perSecond"/> requests a second for <paramref name="duration"/>, then waits until each is acknowledged or <paramref name="giveUpAfter"/> passes.</summary>
    public async Task RunAsync(double perSecond, TimeSpan duration, TimeSpan giveUpAfter)
    {
        var clock = Stopwatch.StartNew();
        var giveUpAt = DateTimeOffset.UtcNow + duration + giveUpAfter;
        var total = (int)(perSecond * duration.TotalSeconds);
        var clients = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var submission = new Submission(i);
            _submissions.Add(submission);
            clients.Add(Task.Run(() => SubmitUntilAcknowledgedAsync(submission, giveUpAt)));
        }

        await Task.WhenAll(clients);
    }

    private async Task SubmitUntilAcknowledgedAsync(Submission submission, DateTimeOffset giveUpAt)
    {
        while (DateTimeOffset.UtcNow < giveUpAt)
        {
            var live = targets();
            var host = live[Interlocked.Increment(ref _roundRobin) % live.Count];
            submission.Attempts++;
            string answer;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "api/intake/requests"))
                {
                    Content = JsonContent.Create(Body(submission.Number)),
                };
                request.Headers.Add("Idempotency-Key", submission.IdempotencyKey);
                using var response = await Http.SendAsync(request);
                answer = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    submission.Reference = body.GetProperty("reference").GetString();
                    submission.AcknowledgedAt = DateTimeOffset.UtcNow;
                    _answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                answer = e.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused" : "connection lost";
            }
            catch (TaskCanceledException)
            {
                answer = "timeout";
            }

            _answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The e-mail address of the visitor who sends request <paramref name="number"/>.</summary>
    public static string Email(int number) => $"drill.visitor{number}@example.com";

    /// <summary>A valid routine request (no crisis language), unique by its number.</summary>
    public static object Body(int number) => new
    {
        firstName = "Drill",
        lastName = "Visitor",
        email = Email(number),
        phone = "555-010-2222",
        preferredContact = "phone",
        condition = "ptsd",
        bestTimeToCall = "evening",
        message = "Evenings are best.",
        acceptTerms = true,
        sendAcknowledgement = false,
    };
}
