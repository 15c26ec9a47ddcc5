using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.Drills.Infrastructure;
using Npgsql;

namespace Clinic.Drills.Reliability;

/// <summary>
/// Durable escalation timers under crashes: two hosts, urgent requests whose deadline is seconds away, most
/// never acknowledged, hosts SIGKILLed and restarted while their steps are pending. Counted at the SMTP sink
/// per (reference, step, recipient): every due escalation exactly once, none for the acknowledged requests.
/// </summary>
internal sealed partial class EscalationUnderCrashes : Scenario
{
    private const string OnCall = "on-call@clinic.invalid";
    private const string Lead = "clinic-lead@clinic.invalid";
    private const string StaffUser = "drill.staff";
    private const int Requests = 24;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SecondStep = TimeSpan.FromSeconds(15);

    public override string Name => "escalation";
    public override string Title => "Two hosts; escalations pending while hosts are SIGKILLed";
    public override string MustHold => "every due escalation step e-mailed exactly once per recipient (0 missed, 0 duplicated), none for acknowledged requests";

    protected override int Hosts => 2;

    /// <summary>Urgent: acknowledge within 15 s; step 1 to on-call at the deadline, step 2 to on-call and the lead 15 s later.</summary>
    private static readonly Dictionary<string, string> Policy = new()
    {
        ["Intake__ResponsePolicy__Urgent__Acknowledge__Within"] = Within.ToString("c", CultureInfo.InvariantCulture),
        ["Intake__ResponsePolicy__Urgent__Acknowledge__Clock"] = "Always",
        ["Intake__ResponsePolicy__Urgent__FirstContact__Within"] = "1.00:00:00",
        ["Intake__ResponsePolicy__Urgent__FirstContact__Clock"] = "Always",
        ["Intake__ResponsePolicy__Routine__Acknowledge__Within"] = "1.00:00:00",
        ["Intake__ResponsePolicy__Routine__FirstContact__Within"] = "1.00:00:00",
        ["Intake__ResponsePolicy__Urgent__Escalation__0__After"] = "00:00:00",
        ["Intake__ResponsePolicy__Urgent__Escalation__0__Notify__0"] = "on-call",
        ["Intake__ResponsePolicy__Urgent__Escalation__1__After"] = SecondStep.ToString("c", CultureInfo.InvariantCulture),
        ["Intake__ResponsePolicy__Urgent__Escalation__1__Notify__0"] = "on-call",
        ["Intake__ResponsePolicy__Urgent__Escalation__1__Notify__1"] = Lead,
        ["Intake__ResponsePolicy__Fallback__0"] = OnCall,
    };

    protected override Task DisruptAsync(DrillStage stage, IntakeLoad load, List<string> observations, List<string> failures) => Task.CompletedTask;

    public override async Task<ScenarioResult> RunAsync(DrillSettings settings, Action<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var observations = new List<string>();
        var failures = new List<string>();
        await using var stage = await DrillStage.CreateAsync(settings, Name);
        // The drill's staff account lives in the stage's own accounts schema, dropped with the others.
        var environment = new Dictionary<string, string>(Policy) { ["Accounts__Schema"] = stage.Schema + "_accounts" };
        for (var i = 1; i <= Hosts; i++)
        {
            await stage.StartHostAsync($"{Name}-host-{i}", environment);
        }

        var password = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var passwordFile = Path.Combine(stage.Directory, "staff.secret");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        var (exit, _) = await stage.Hosts[0].RunCommandAsync($"users add {StaffUser} --role Staff <\"{passwordFile}\"");
        File.Delete(passwordFile);
        if (exit != 0)
        {
            throw new InvalidOperationException("could not create the drill's staff account");
        }

        IReadOnlyList<ClinicHost> Targets() => stage.RunningHosts is { Count: > 0 } running ? running : stage.Hosts;
        var submitted = new List<(string Reference, bool Acknowledge)>();
        var answers = new Dictionary<string, int>();
        var crashes = new List<string>();
        progress($"{Title}: {Requests} urgent requests at 1/s, every fourth acknowledged at once; hosts killed meanwhile");

        // Kills land while steps are due: the first deadlines fall at 15 s, the last second steps near 55 s.
        var disruption = Task.Run(async () =>
        {
            var kills = Stopwatch.StartNew();
            foreach (var (second, host) in new[] { (14.0, 0), (24.5, 1), (33.0, 0), (44.5, 1), (53.0, 0) })
            {
                await At(kills, second);
                var victim = stage.Hosts[host];
                await victim.KillAsync();
                var down = Stopwatch.StartNew();
                await victim.StartAsync();
                crashes.Add($"{victim.Name} at {second:0.0} s (back in {Scenarios.Seconds(down.Elapsed)})");
            }
        });

        var submissions = Stopwatch.StartNew();
        var acknowledgements = new List<Task<bool>>();
        for (var i = 0; i < Requests; i++)
        {
            await At(submissions, i);
            var reference = await SubmitUrgentAsync(Targets, i, answers);
            var acknowledge = i % 4 == 0;
            submitted.Add((reference, acknowledge));
            if (acknowledge)
            {
                acknowledgements.Add(AcknowledgeAsync(stage, Targets, reference, password));
            }
        }

        var acknowledged = await Task.WhenAll(acknowledgements);
        await disruption;
        observations.Add($"killed and restarted: {string.Join("; ", crashes)}");
        if (acknowledged.Any(a => !a))
        {
            failures.Add($"{acknowledged.Count(a => !a)} acknowledgement(s) could not be made before their deadline");
        }

        var due = submitted.Where(s => !s.Acknowledge).SelectMany(s => new[] { (s.Reference, 1, OnCall), (s.Reference, 2, OnCall), (s.Reference, 2, Lead) }).ToHashSet();
        var quiet = submitted.Where(s => s.Acknowledge).Select(s => s.Reference).ToHashSet(StringComparer.Ordinal);
        progress($"{Title}: waiting for {due.Count} escalation e-mails");
        var waited = Stopwatch.StartNew();
        Tally tally;
        while (true)
        {
            tally = Count(stage, due, quiet);
            if (tally.Missed == 0 || waited.Elapsed > TimeSpan.FromMinutes(3))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        observations.Add(tally.Missed == 0
            ? $"every due escalation e-mail had arrived {Math.Round(waited.Elapsed.TotalSeconds)} s after the last restart"
            : $"stopped waiting {Math.Round(waited.Elapsed.TotalSeconds)} s after the last restart");
        // Repeats would come late (a recovered job, a takeover of a delivery): listen a little longer.
        await Task.Delay(TimeSpan.FromSeconds(10));
        tally = Count(stage, due, quiet);
        var raised = await stage.CountEventsAsync("escalation_raised");
        observations.Add($"{raised} EscalationRaised event(s) for {due.Count / 3} unacknowledged request(s) × 2 steps; answers: {string.Join(", ", answers.Select(a => $"{a.Key}: {a.Value}"))}");
        if (tally.ResentSameId > 0)
        {
            observations.Add($"{tally.ResentSameId} escalation e-mail(s) re-sent with the same Message-ID after a crash between send and record");
        }

        Check(tally.Missed == 0, $"{tally.Missed} due escalation e-mail(s) never arrived");
        Check(tally.Duplicates == 0, $"{tally.Duplicates} duplicate escalation e-mail(s)");
        Check(tally.ForAcknowledged == 0, $"{tally.ForAcknowledged} escalation e-mail(s) about acknowledged requests");
        Check(raised == due.Count / 3 * 2, $"{raised} EscalationRaised events, expected {due.Count / 3 * 2}");
        var errors = answers.Where(a => a.Key.Length == 3 && a.Key != "503" && a.Key[0] is '4' or '5').Sum(a => a.Value);
        Check(errors == 0, $"{errors} error answer(s) other than 503");

        return new ScenarioResult(
            Name, Title, MustHold, Requests, submitted.Count, due.Count, tally.Arrived, tally.Missed, tally.Duplicates + tally.ForAcknowledged,
            tally.ResentSameId, answers.GetValueOrDefault("503"), errors, Math.Round(clock.Elapsed.TotalSeconds), observations, failures);

        void Check(bool holds, string failure)
        {
            if (!holds)
            {
                failures.Add(failure);
            }
        }
    }

    private sealed record Tally(int Arrived, int Missed, int Duplicates, int ResentSameId, int ForAcknowledged);

    /// <summary>Escalation e-mails by (reference, step, recipient); the step is in the Message-ID (the delivery id).</summary>
    private static Tally Count(DrillStage stage, IReadOnlySet<(string, int, string)> due, IReadOnlySet<string> quiet)
    {
        var escalations = stage.Smtp.Read()
            .Select(r => (Receipt: r, Step: StepInDeliveryId().Match(r.DeliveryId)))
            .Where(r => r.Step.Success)
            .GroupBy(r => (r.Receipt.Reference, int.Parse(r.Step.Groups[1].Value, CultureInfo.InvariantCulture), r.Receipt.Recipient.ToLowerInvariant()))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Receipt.DeliveryId).ToList());
        var arrived = due.Count(escalations.ContainsKey);
        var duplicates = escalations.Values.Sum(ids => ids.Distinct().Count() - 1);
        var resent = escalations.Values.Sum(ids => ids.Count - ids.Distinct().Count());
        var forAcknowledged = escalations.Keys.Count(k => quiet.Contains(k.Reference));
        return new Tally(arrived, due.Count - arrived, duplicates, resent, forAcknowledged);
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<string> SubmitUrgentAsync(Func<IReadOnlyList<ClinicHost>> targets, int number, Dictionary<string, int> answers)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 0; ; attempt++)
        {
            var live = targets();
            var host = live[(number + attempt) % live.Count];
            string answer;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "api/intake/requests"))
                {
                    Content = JsonContent.Create(new
                    {
                        firstName = "Drill",
                        lastName = "Visitor",
                        email = $"drill.urgent{number}@example.com",
                        phone = "555-010-2222",
                        preferredContact = "phone",
                        condition = "ptsd",
                        bestTimeToCall = "evening",
                        message = "Nothing helps. I want to die.",
                        acceptTerms = true,
                        sendAcknowledgement = false,
                    }),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await Http.SendAsync(request);
                answer = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    lock (answers)
                    {
                        answers[answer] = answers.GetValueOrDefault(answer) + 1;
                    }

                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString()!;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                answer = "connection";
            }

            lock (answers)
            {
                answers[answer] = answers.GetValueOrDefault(answer) + 1;
            }

            if (attempt > 60)
            {
                throw new InvalidOperationException($"urgent request {number} was never accepted");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>As a member of staff would: sign in, open the request, press Acknowledge; retried on any host until it holds.</summary>
    private static async Task<bool> AcknowledgeAsync(DrillStage stage, Func<IReadOnlyList<ClinicHost>> targets, string reference, string password)
    {
        var requestId = await RequestIdAsync(stage, reference);
        var giveUpAt = DateTime.UtcNow + Within - TimeSpan.FromSeconds(2);
        for (var attempt = 0; DateTime.UtcNow < giveUpAt; attempt++)
        {
            var live = targets();
            var host = live[attempt % live.Count];
            try
            {
                using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
                {
                    BaseAddress = host.BaseAddress,
                    Timeout = TimeSpan.FromSeconds(5),
                };
                var login = await browser.GetStringAsync("/account/login");
                using var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = Token().Match(login).Groups[1].Value,
                    ["UserName"] = StaffUser,
                    ["Password"] = password,
                }));
                var page = await browser.GetStringAsync($"/staff/requests/{requestId}");
                using var acknowledged = await browser.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
                    ["Form.Version"] = SeenVersion().Match(page).Groups[1].Value,
                    ["Form.Action"] = "acknowledge",
                }));
                if (acknowledged.StatusCode == HttpStatusCode.Redirect)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A host killed mid-request: try the other.
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static async Task<Guid> RequestIdAsync(DrillStage stage, string reference)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = new NpgsqlConnection(stage.Settings.Postgres);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand($"select id from {stage.Schema}.mt_doc_requestreceipt where data->>'Reference' = $1", connection)
            {
                Parameters = { new() { Value = reference } },
            };
            if (await query.ExecuteScalarAsync() is Guid id)
            {
                return id;
            }

            if (attempt > 50)
            {
                throw new InvalidOperationException($"{reference} is not in the store");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Escalation delivery ids (the e-mail's Message-ID) carry "{deadline}-{step}." after the request id.</summary>
    [GeneratedRegex(@"^<?[0-9a-f]{32}\.acknowledge-(\d+)\.email\.")]
    private static partial Regex StepInDeliveryId();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
