using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;

namespace Clinic.EndToEndTests;

/// <summary>A replay on a live site: visitors keep submitting, staff keep working, deliveries keep being recorded.</summary>
[Collection(ClinicCollection.Name)]
public sealed partial class ReplayUnderLoadTests(ClinicFixture clinic)
{
    private const int Visitors = 3;

    [Fact]
    public async Task A_replay_while_requests_arrive_and_staff_work_loses_nothing_and_leaves_every_read_model_as_its_events_say()
    {
        var (_, worked) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Rosa"));
        using var sam = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        using var load = new CancellationTokenSource();
        var submitted = new ConcurrentBag<string>();
        var urgent = new ConcurrentBag<string>();
        var notes = 0;
        var replays = new List<string>();

        async Task VisitorAsync(int visitor)
        {
            for (var i = 0; !load.IsCancellationRequested; i++)
            {
                using var browser = clinic.CreateBrowser();
                // Some arrive in crisis: their urgency must survive read models being rebuilt under the forwarder.
                var inCrisis = visitor == 0 && i % 2 == 0;
                var message = inCrisis ? $"I keep thinking about killing myself ({i})." : $"Replay load {visitor}-{i}";
                var reference = Visitor.ReferenceOf(await browser.PostFormAsync("/schedule", Visitor.Form(firstName: "Lorna", message: message)));
                submitted.Add(reference);
                if (inCrisis)
                {
                    urgent.Add(reference);
                }
            }
        }

        async Task StaffAsync()
        {
            while (!load.IsCancellationRequested)
            {
                var response = await NoteAsync(sam, worked, $"Note {notes + 1}");
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"a note got {response.StatusCode}");
                notes++;
            }
        }

        var work = Enumerable.Range(0, Visitors).Select(VisitorAsync).Append(StaffAsync()).ToList();
        try
        {
            for (var replay = 0; replay < 3; replay++)
            {
                var (output, error) = (new StringWriter(), new StringWriter());
                Assert.True(await AuditCommands.RunAsync(clinic.App.Services, ["replay"], output, error) == 0, error.ToString());
                replays.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {output}");
            }
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(work);
        }

        Assert.NotEmpty(submitted);
        Assert.True(notes > 0, "staff should have worked during the replays");
        await using (var session = clinic.Store.QuerySession())
        {
            foreach (var reference in submitted)
            {
                var receipt = await session.Query<RequestReceipt>().SingleAsync(r => r.Reference == reference);
                Assert.IsType<RequestSubmitted>((await session.Events.FetchStreamAsync(receipt.Id))[0].Data);
            }

            Assert.Equal(notes, (await session.Events.FetchStreamAsync(worked)).Count(e => e.Data is NoteAdded));
        }

        // Only the urgent route e-mails the on-call address: each crisis request must reach it.
        Assert.NotEmpty(urgent);
        foreach (var reference in urgent)
        {
            Assert.StartsWith("URGENT", (await clinic.MailAboutAsync(reference, ClinicFixture.OnCallAddress)).Message.Subject, StringComparison.Ordinal);
        }

        // Deliveries for the last submissions may still be arriving: wait for them, then no document may differ.
        IReadOnlyList<string> differences = [];
        try
        {
            await Eventually.TrueAsync(async () => (differences = await DifferencesAsync()).Count == 0, "every read model to match its stream", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{differences.Count} read model(s) differ from their streams, e.g. {string.Join("; ", differences.Take(3))}; replays ended: {string.Join(" ", replays)}");
        }
    }

    /// <summary>Each stored read model compared with a fresh aggregation of its stream.</summary>
    private async Task<IReadOnlyList<string>> DifferencesAsync()
    {
        await using var session = clinic.Store.QuerySession();
        var streams = await session.AdvancedSql.QueryAsync<Guid>($"select id from {clinic.Schema}.mt_streams", CancellationToken.None);
        var differences = new List<string>();
        foreach (var id in streams)
        {
            await CompareAsync<RequestReceipt>(session, id, differences);
            await CompareAsync<InboxEntry>(session, id, differences);
            await CompareAsync<RequestView>(session, id, differences);
            await CompareAsync<AuditEntry>(session, id, differences);
            await CompareAsync<ResponseRecord>(session, id, differences);
        }

        return differences;
    }

    private static async Task CompareAsync<T>(IQuerySession session, Guid id, List<string> differences) where T : class
    {
        var stored = JsonSerializer.Serialize(await session.LoadAsync<T>(id));
        var aggregated = JsonSerializer.Serialize(await session.Events.AggregateStreamAsync<T>(id));
        if (stored != aggregated)
        {
            var events = await session.Events.FetchStreamAsync(id);
            differences.Add($"{typeof(T).Name} {id}: stored {stored}, events say {aggregated}; the stream: "
                + string.Join(", ", events.Select(e => $"v{e.Version} #{e.Sequence} {e.EventTypeName} {e.Timestamp:HH:mm:ss.fff}")));
        }
    }

    private static async Task<HttpResponseMessage> NoteAsync(HttpClient staff, Guid requestId, string text)
    {
        var page = await staff.GetStringAsync($"/staff/requests/{requestId}");
        return await staff.PostAsync($"/staff/requests/{requestId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["Form.Version"] = SeenVersion().Match(page).Groups[1].Value,
            ["Form.Action"] = "note",
            ["Form.Text"] = text,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("name=\"Form.Version\" value=\"(\\d+)\"")]
    private static partial Regex SeenVersion();
}
