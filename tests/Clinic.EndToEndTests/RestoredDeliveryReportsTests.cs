using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.NotifyStaff;
using Marten;
using Marten.Linq;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clinic.EndToEndTests;

/// <summary>
/// A clinic of its own: the test starts a second host in this process, and a disposed in-process host can keep taking
/// messages from its clinic's queues (SecondHostTests, still open), which stalled the shared clinic for every later test.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RestoredReportsCollection : ICollectionFixture<RestoredReportsFixture>
{
    public const string Name = "restored-reports";
}

public sealed class RestoredReportsFixture : ClinicFixture;

/// <summary>
/// After a point-in-time restore the delivery log can hold alerts whose reports the restored histories lack (the report
/// was recorded after the recovery point). The host started on the restored database must put each on its history once.
/// </summary>
[Collection(RestoredReportsCollection.Name)]
public sealed class RestoredDeliveryReportsTests(RestoredReportsFixture clinic)
{
    [Fact]
    public async Task A_host_start_puts_alerts_the_delivery_log_completed_but_no_history_records_on_the_history_once()
    {
        var (reference, id) = await clinic.SubmitAndSettleAsync(Visitor.Form(firstName: "Restorine"));

        // As a restore leaves them: sent (the log says so), reported to no history. An arrival alert to one more
        // recipient, and an escalation step; as the delivery consumer writes them, under their delivery ids.
        var now = DateTimeOffset.UtcNow;
        var arrival = new DeliverStaffAlert(id, reference, "ptsd", false, false, now, "email", "restored.lead@clinic.invalid");
        var escalation = arrival with { Recipient = "restored.oncall@clinic.invalid", Escalation = new EscalationAlert("first-contact", 2, TimeSpan.FromHours(1), now) };
        await using (var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().LightweightSession())
        {
            foreach (var alert in new[] { arrival, escalation })
            {
                notifications.Store(new DeliveryRecord
                {
                    Id = alert.DeliveryId,
                    RequestId = id,
                    Channel = alert.Channel,
                    Recipient = alert.Recipient,
                    ClaimedAt = now,
                    DeliveredAt = now,
                    Attempts = 1,
                });
            }

            await notifications.SaveChangesAsync();
        }

        // The host an operator starts on the restored database.
        await using var restored = clinic.StartSecondHost();

        await Eventually.TrueAsync(
            async () => (await clinic.EventsAsync(id)).OfType<StaffAlerted>().Count() >= 5,
            "both lost reports to reach the request's history");
        // Reports of alerts already on the history (the three routine ones) change nothing: each alert is there once.
        var alerts = (await clinic.EventsAsync(id)).OfType<StaffAlerted>().ToList();
        Assert.Equal(5, alerts.Count);
        Assert.Single(alerts, a => a is { Channel: "email", Recipient: "restored.lead@clinic.invalid", Step: null });
        Assert.Single(alerts, a => a is { Channel: "email", Recipient: "restored.oncall@clinic.invalid", Deadline: "first-contact", Step: 2 });
        Assert.All(alerts.GroupBy(a => (a.Channel, a.Recipient, a.Deadline, a.Step)), g => Assert.Single(g));
    }

    [Fact]
    public async Task A_host_start_finds_the_latest_delivery_from_an_index_not_by_reading_the_whole_log()
    {
        await using var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().QuerySession();
        var query = DeliveryReportReconciliation.LatestDelivery(notifications).ToCommand(FetchType.FetchOne);

        var plan = await PlanAsync(query.CommandText, [.. query.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())]);

        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal) || line.Contains("Sort", StringComparison.Ordinal));
        var pair = await PairIndexAsync();
        Assert.Contains(plan, line => line.Contains("Index", StringComparison.Ordinal) && line.Contains(pair, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_start_pages_through_the_last_hour_of_deliveries_in_index_order_not_by_reading_the_whole_log()
    {
        // The page query as reconciliation sends it, over the delivery log's table, its placeholders numbered.
        var table = clinic.App.Services.GetRequiredService<INotificationsStore>().Options
            .FindOrResolveDocumentType(typeof(DeliveryRecord)).TableName.QualifiedName;
        var placeholder = 0;
        var sql = $"select d.id from {table} as d " + Regex.Replace(DeliveryReportReconciliation.PageQuery, @"\?", _ => $"${++placeholder}");
        var since = DateTimeOffset.UtcNow.AddHours(-1);

        var plan = await PlanAsync(sql, [new() { Value = since }, new() { Value = since }, new() { Value = "" }, new() { Value = 500 }]);

        // An index scan in (delivered_at, id) order: no page sorts the window, none walks the log.
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal) || line.Contains("Sort", StringComparison.Ordinal));
        var pair = await PairIndexAsync();
        Assert.Contains(plan, line => line.Contains("Index", StringComparison.Ordinal) && line.Contains(pair, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_delivery_writes_one_index_on_its_delivery_time_the_pair_both_host_start_queries_use()
    {
        // Every query on delivered_at (the latest delivery, the window's pages) reads the (delivered_at, id) index, as the
        // plans above show; a second index on delivered_at alone would cost each delivery a write and serve none.
        var indexes = await DeliveredAtIndexesAsync();

        Assert.Equal([await PairIndexAsync()], indexes.Select(i => i.Name));
    }

    /// <summary>The name of the delivery log's (delivered_at, id) index.</summary>
    private async Task<string> PairIndexAsync() =>
        Assert.Single(await DeliveredAtIndexesAsync(), i => i.Definition.Contains("(delivered_at, id)", StringComparison.Ordinal)).Name;

    private async Task<List<(string Name, string Definition)>> DeliveredAtIndexesAsync()
    {
        var table = clinic.App.Services.GetRequiredService<INotificationsStore>().Options
            .FindOrResolveDocumentType(typeof(DeliveryRecord)).TableName;
        await using var connection = new NpgsqlConnection(clinic.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = $2 and indexdef like '%delivered_at%' order by indexname",
            connection);
        command.Parameters.Add(new() { Value = table.Schema });
        command.Parameters.Add(new() { Value = table.Name });
        var indexes = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        return indexes;
    }

    /// <summary>
    /// The plan PostgreSQL picks with full scans and sorts forbidden: for a small table the planner picks a scan and a
    /// sort whatever the indexes, and forbidding them shows whether a way in index order exists (without one, the
    /// forbidden node stays in the plan).
    /// </summary>
    private async Task<List<string>> PlanAsync(string sql, NpgsqlParameter[] parameters)
    {
        await using var connection = new NpgsqlConnection(clinic.PostgresConnectionString);
        await connection.OpenAsync();
        await using (var noScans = new NpgsqlCommand("set enable_seqscan = off; set enable_sort = off", connection))
        {
            await noScans.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("explain " + sql, connection);
        explain.Parameters.AddRange(parameters);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        return plan;
    }
}
