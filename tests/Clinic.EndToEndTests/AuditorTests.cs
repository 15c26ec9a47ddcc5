using System.Net;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clinic.EndToEndTests;

[Collection(ClinicCollection.Name)]
public sealed class AuditorTests(ClinicFixture clinic)
{
    private Task<(string Reference, Guid RequestId)> SettledRequestAsync(string firstName = "Ines") =>
        clinic.SubmitAndSettleAsync(Visitor.Form(firstName: firstName, condition: "depression"));

    /// <summary>Runs one statement straight against the database, behind the host's back, as an attacker would.</summary>
    private async Task<object?> SqlAsync(string sql, object? parameter = null)
    {
        await using var connection = new NpgsqlConnection(clinic.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync();
    }

    private async Task<(int Exit, string Output)> AuditAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await AuditCommands.RunAsync(clinic.App.Services, args, output, error);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task The_state_as_of_a_moment_shows_the_request_as_it_stood_then()
    {
        var (_, requestId) = await SettledRequestAsync();
        var beforeAcknowledgement = DateTimeOffset.UtcNow;
        await using (var session = clinic.Store.LightweightSession())
        {
            session.Events.Append(requestId, new RequestAcknowledged("sam.staff", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var then = await auditor.GetStringAsync($"/audit/requests/{requestId}?asOf={Uri.EscapeDataString(beforeAcknowledgement.ToString("O"))}");
        var now = await auditor.GetStringAsync($"/audit/requests/{requestId}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}");
        var before = await auditor.GetStringAsync($"/audit/requests/{requestId}?asOf=2020-01-01T00:00:00Z");

        Assert.Contains("<dd id=\"as-of-status\">New</dd>", then, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"as-of-status\">Acknowledged</dd>", now, StringComparison.Ordinal);
        Assert.Contains("The request did not exist yet.", before, StringComparison.Ordinal);
        Assert.Contains("sam.staff", now, StringComparison.Ordinal);
        Assert.Contains("visitor (form)", now, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_passes_on_an_untouched_history_and_names_the_event_edited_behind_its_back()
    {
        var (_, requestId) = await SettledRequestAsync();
        await Eventually.TrueAsync(async () => (await AuditVerifier.VerifyAsync(clinic.Store, null, default)) is { Intact: true, Pending: 0 }, "every event to be sealed");
        var (exit, output) = await AuditAsync("verify");
        Assert.True(exit == 0, output);
        Assert.Contains("Intact.", output, StringComparison.Ordinal);

        // Someone with database access rewrites what the visitor asked about in the stored event (their details are ciphertext).
        var events = $"{clinic.Schema}.mt_events";
        var sequence = (long)(await SqlAsync($"update {events} set data = jsonb_set(data, '{{ConditionSlug}}', '\"ocd\"') where stream_id = $1 and version = 1 returning seq_id", requestId))!;
        try
        {
            (exit, output) = await AuditAsync("verify");
            Assert.Equal(1, exit);
            Assert.Contains($"BROKEN: event #{sequence} (stream {requestId}) does not match its seal", output, StringComparison.Ordinal);
        }
        finally
        {
            await SqlAsync($"update {events} set data = jsonb_set(data, '{{ConditionSlug}}', '\"depression\"') where seq_id = $1", sequence);
        }

        Assert.Equal(0, (await AuditAsync("verify")).Exit);

        // Someone deletes the request's last event (a delivery report) and leaves everything else alone.
        await SqlAsync($"create table {clinic.Schema}.tamper_backup as select * from {events} where stream_id = '{requestId}' and version = 5");
        sequence = (long)(await SqlAsync($"delete from {events} where stream_id = $1 and version = 5 returning seq_id", requestId))!;
        try
        {
            (exit, output) = await AuditAsync("verify");
            Assert.Equal(1, exit);
            Assert.Contains($"BROKEN: event #{sequence} was deleted after it was sealed", output, StringComparison.Ordinal);
        }
        finally
        {
            await SqlAsync($"insert into {events} select * from {clinic.Schema}.tamper_backup");
            await SqlAsync($"drop table {clinic.Schema}.tamper_backup");
        }

        Assert.Equal(0, (await AuditAsync("verify")).Exit);
    }

    [Fact]
    public async Task A_tombstone_left_by_a_failed_append_is_sealed_and_verified_like_any_other_event()
    {
        // Marten writes a tombstone (timestamp -infinity, no metadata) when an append fails after taking its
        // sequence numbers; the bench caused them with clients giving up under overload. The sealer once
        // stalled on them for good, and every later event stayed unsealed.
        const string tombstoneStream = "c8ea0e74-d075-46af-942d-7480a674820c";
        await SqlAsync($"insert into {clinic.Schema}.mt_streams (id, version, timestamp, created) values ('{tombstoneStream}', 0, now(), now()) on conflict do nothing");
        var tombstone = (long)(await SqlAsync($$"""
            insert into {{clinic.Schema}}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type)
            select seq, gen_random_uuid(), '{{tombstoneStream}}', seq, '{}', 'tombstone', '-infinity', '*DEFAULT*', 'JasperFx.Events.Tombstone, JasperFx.Events'
            from (select nextval('{{clinic.Schema}}.mt_events_sequence') as seq) s returning seq_id
            """))!;
        var (_, requestId) = await SettledRequestAsync(firstName: "Tomas");

        await Eventually.TrueAsync(async () => (await AuditVerifier.VerifyAsync(clinic.Store, null, default)) is { Intact: true, Pending: 0 }, "the tombstone and the events after it to be sealed");
        var (exit, output) = await AuditAsync("verify");
        Assert.True(exit == 0, output);
        await using var session = clinic.Store.QuerySession();
        Assert.NotNull(await session.LoadAsync<EventSeal>(tombstone));
        var lastOfRequest = await session.Events.QueryAllRawEvents().Where(e => e.StreamId == requestId).MaxAsync(e => e.Sequence);
        Assert.NotNull(await session.LoadAsync<EventSeal>(lastOfRequest));
    }

    /// <summary>Every read model of a request, as stored, serialised for comparison.</summary>
    private async Task<string[]> ReadModelsAsync(Guid requestId)
    {
        await using var session = clinic.Store.QuerySession();
        return
        [
            JsonSerializer.Serialize(await session.LoadAsync<RequestReceipt>(requestId)),
            JsonSerializer.Serialize(await session.LoadAsync<InboxEntry>(requestId)),
            JsonSerializer.Serialize(await session.LoadAsync<RequestView>(requestId)),
            JsonSerializer.Serialize(await session.LoadAsync<AuditEntry>(requestId)),
            JsonSerializer.Serialize(await session.LoadAsync<ResponseRecord>(requestId)),
        ];
    }

    [Fact]
    public async Task Replay_rebuilds_read_models_identical_to_the_ones_kept_inline()
    {
        var (_, first) = await SettledRequestAsync();
        var (_, second) = await SettledRequestAsync();
        var before = (await ReadModelsAsync(first)).Concat(await ReadModelsAsync(second)).ToArray();

        // One request's read models lost, the other's corrupted.
        await using (var session = clinic.Store.LightweightSession())
        {
            session.Delete<RequestReceipt>(first);
            session.Delete<InboxEntry>(first);
            session.Delete<RequestView>(first);
            session.Delete<AuditEntry>(first);
            session.Delete<ResponseRecord>(first);
            var view = (await session.LoadAsync<RequestView>(second))!;
            view.IsUrgent = true;
            view.Deliveries.Clear();
            session.Store(view);
            var entry = (await session.LoadAsync<InboxEntry>(second))!;
            entry.Status = Clinic.Modules.Intake.Triage.RequestStatus.Closed;
            session.Store(entry);
            await session.SaveChangesAsync();
        }

        var (exit, output) = await AuditAsync("replay");
        Assert.Equal(0, exit);
        Assert.Matches(@"^Rebuilt \d+ request read model\(s\) from \d+ event\(s\) in [\d.]+ s \(\d+ events/s\)\.", output);

        var after = (await ReadModelsAsync(first)).Concat(await ReadModelsAsync(second)).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Export_writes_a_date_range_as_ndjson_and_csv_and_refuses_a_bad_range()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (reference, requestId) = await SettledRequestAsync(firstName: "Emil");
        var end = DateTimeOffset.UtcNow.AddSeconds(1);
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        string Range(string format) => $"/api/audit/export?from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(end.ToString("O"))}&format={format}";

        var ndjson = (await auditor.GetStringAsync(Range("ndjson"))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var mine = ndjson.Where(e => e.GetProperty("streamId").GetGuid() == requestId).ToList();
        Assert.Equal("intake_request_submitted", mine[0].GetProperty("type").GetString());
        Assert.Equal(reference, mine[0].GetProperty("reference").GetString());
        Assert.Equal("Emil", mine[0].GetProperty("data").GetProperty("request").GetProperty("firstName").GetString());
        Assert.Equal(3, mine.Count(e => e.GetProperty("type").GetString() == "staff_notified"));

        var csv = await auditor.GetAsync(Range("csv"));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,stream_id,reference,version,type,recorded_at,actor,correlation_id,data", lines[0]);
        Assert.Equal(ndjson.Count, lines.Length - 1);

        Assert.Contains("ndjson export", await auditor.GetStringAsync("/audit/access"), StringComparison.Ordinal);

        var backwards = await auditor.GetAsync($"/api/audit/export?from={Uri.EscapeDataString(end.ToString("O"))}&to={Uri.EscapeDataString(start.ToString("O"))}");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("The end must come after the start.", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_takes_a_range_in_any_utc_offset_and_answers_the_same_events_as_in_utc()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (_, requestId) = await SettledRequestAsync(firstName: "Oona");
        var end = DateTimeOffset.UtcNow.AddSeconds(1);
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        async Task<(HttpStatusCode Status, string Body)> ExportAsync(TimeSpan offset)
        {
            var response = await auditor.GetAsync(
                $"/api/audit/export?from={Uri.EscapeDataString(start.ToOffset(offset).ToString("O"))}&to={Uri.EscapeDataString(end.ToOffset(offset).ToString("O"))}");
            // Only this request's lines: other tests' late deliveries may land in the range between two exports.
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.Contains(requestId.ToString(), StringComparison.Ordinal));
            return (response.StatusCode, string.Join('\n', lines));
        }

        var utc = await ExportAsync(TimeSpan.Zero);
        var newYork = await ExportAsync(TimeSpan.FromHours(-5));
        var india = await ExportAsync(new TimeSpan(5, 30, 0));

        Assert.Equal(HttpStatusCode.OK, utc.Status);
        Assert.Contains(requestId.ToString(), utc.Body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, utc.Body), newYork);
        Assert.Equal((HttpStatusCode.OK, utc.Body), india);
    }

    [Fact]
    public async Task Reading_a_history_is_in_the_access_log_auditors_can_read()
    {
        var (reference, requestId) = await SettledRequestAsync();
        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        await auditor.GetStringAsync($"/audit/requests/{requestId}");

        var log = await auditor.GetStringAsync("/audit/access");
        Assert.Contains(reference, log, StringComparison.Ordinal);
        Assert.Contains("audrey.auditor", log, StringComparison.Ordinal);
    }
}
