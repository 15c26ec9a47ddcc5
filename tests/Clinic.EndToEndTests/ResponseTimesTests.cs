using System.Net;
using System.Text.RegularExpressions;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Intake.ResponseTimes;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>
/// The response-time page over requests with known acknowledgement and contact times: the table and the CSV give
/// the expected figures, and the auditor's replay rebuilds them unchanged from the events.
/// </summary>
[Collection(ClinicCollection.Name)]
public sealed partial class ResponseTimesTests(ClinicFixture clinic)
{
    private static readonly TimeSpan UrgentAcknowledge = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan UrgentContact = TimeSpan.FromMinutes(60);
    private static readonly TimeSpan RoutineAcknowledge = TimeSpan.FromHours(4);
    private static readonly TimeSpan RoutineContact = TimeSpan.FromHours(8);

    /// <summary>Tuesday 10:00 (clinic time) of the week <paramref name="weeksAgo"/> before this one, where no other test writes.</summary>
    internal static (DateOnly Week, DateTimeOffset Tuesday) WeekAgo(ClinicFixture clinic, int weeksAgo)
    {
        using var scope = clinic.App.Services.CreateScope();
        var weeks = scope.ServiceProvider.GetRequiredService<ResponseTimesQuery>().Weeks;
        var week = weeks.WeekOf(DateTimeOffset.UtcNow).AddDays(-7 * weeksAgo);
        return (week, weeks.StartOf(week).AddDays(1).AddHours(10));
    }

    /// <summary>
    /// A request that entered the flow at <paramref name="at"/>, with the default policy's deadlines (none when
    /// <paramref name="withDeadlines"/> is false, as before deadlines existed) and the given later events.
    /// </summary>
    internal static async Task<Guid> SeedAsync(ClinicFixture clinic, DateTimeOffset at, bool urgent, bool withDeadlines = true, params object[] later)
    {
        var id = Guid.NewGuid();
        var events = new List<object>
        {
            new RequestSubmitted(id, ReferenceNumber.New(), new ContactRequest("Rita", "Times", "rita.times@example.com", "555 010 3333", "phone", "ptsd", "morning", null, false),
                "2026-01", "form", Guid.NewGuid().ToString("N"), at),
        };
        if (urgent)
        {
            events.Add(new RequestMarkedUrgent("test", ["seeded"], at));
        }

        if (withDeadlines)
        {
            events.Add(new ResponseDeadlinesSet(at + (urgent ? UrgentAcknowledge : RoutineAcknowledge), at + (urgent ? UrgentContact : RoutineContact), urgent ? "urgent" : "routine", at));
        }

        events.AddRange(later);
        await using var session = clinic.Store.LightweightSession();
        await ReadModelLock.EnterForWriteAsync(session, CancellationToken.None);
        session.Events.StartStream(id, [.. events]);
        await session.SaveChangesAsync();
        return id;
    }

    private static EscalationRaised Escalation(string deadline, int step, DateTimeOffset due) =>
        new(deadline, step, [ClinicFixture.OnCallAddress], due, due.AddMinutes(1));

    [Fact]
    public async Task The_page_and_the_csv_give_each_weeks_times_and_deadlines_met_and_a_replay_rebuilds_the_same()
    {
        var (week, t) = WeekAgo(clinic, 9);
        TimeSpan Min(double m) => TimeSpan.FromMinutes(m);

        // Urgent (acknowledge within 15 min, contact within 60): one in time, one late on both, one closed two days on.
        var onTime = await SeedAsync(clinic, t, urgent: true, later: [new RequestAcknowledged("sam.staff", t + Min(5)), new ContactAttempted("reached", "sam.staff", t + Min(20))]);
        await SeedAsync(clinic, t.AddHours(1), urgent: true, later:
        [
            Escalation("acknowledge", 1, t.AddHours(1) + UrgentAcknowledge),
            new RequestAcknowledged("sam.staff", t.AddHours(1) + Min(25)),
            Escalation("first-contact", 1, t.AddHours(1) + UrgentContact),
            new ContactAttempted("no-answer", "sam.staff", t.AddHours(1) + Min(90)),
        ]);
        var forgotten = await SeedAsync(clinic, t.AddHours(2), urgent: true, later:
        [
            Escalation("acknowledge", 1, t.AddHours(2) + UrgentAcknowledge),
            Escalation("acknowledge", 2, t.AddHours(2) + UrgentAcknowledge + Min(10)),
            Escalation("first-contact", 1, t.AddHours(2) + UrgentContact),
            new RequestClosed("sam.staff", t.AddHours(2) + TimeSpan.FromDays(2)),
        ]);

        // Routine (4 h, 8 h): in time; declined in time without contact; a call booked late; one from before deadlines existed.
        await SeedAsync(clinic, t, urgent: false, later: [new RequestAcknowledged("sam.staff", t + Min(60)), new ContactAttempted("reached", "sam.staff", t + Min(180))]);
        await SeedAsync(clinic, t, urgent: false, later: [new RequestAcknowledged("sam.staff", t + Min(120)), new RequestDeclined("not a fit", "sam.staff", t + Min(300))]);
        await SeedAsync(clinic, t, urgent: false, later: [new CallScheduled(t.AddDays(2), "sam.staff", t + Min(600))]);
        await SeedAsync(clinic, t, urgent: false, withDeadlines: false, later: [new RequestAcknowledged("sam.staff", t + Min(30))]);

        var day = week.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // Urgent acknowledged after 5, 25 and 2,880 min; contacted after 20 and 90 (the closed one never was).
        string[] urgentRow = [day, "urgent", "3", "25 min", "38 h 29 min", "1 of 3 (33%)", "55 min", "1 h 23 min", "1 of 3 (33%)", "5"];
        // Routine acknowledged after 30, 60, 120 and 600 min; contacted after 180 and 600; the one without deadlines is not counted as met or missed.
        string[] routineRow = [day, "routine", "4", "1 h 30 min", "7 h 36 min", "2 of 3 (67%)", "6 h 30 min", "9 h 18 min", "2 of 3 (67%)", "0"];
        var urgentCsv = $"{day},urgent,3,25,2309,1,3,33.3,55,83,1,3,33.3,5";
        var routineCsv = $"{day},routine,4,90,456,2,3,66.7,390,558,2,3,66.7,0";

        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        var page = await staff.GetStringAsync("/staff/response-times");
        Assert.Equal(urgentRow, Row(page, day, "urgent"));
        Assert.Equal(routineRow, Row(page, day, "routine"));
        Assert.Contains("<svg id=\"response-chart\" role=\"img\"", page, StringComparison.Ordinal);
        Assert.Contains($"Week of {day}, urgent: 2 of 6 (33%) deadlines met", page, StringComparison.Ordinal);

        var csv = await staff.GetAsync("/staff/response-times.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", csv.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ResponseTimesCsv.Header, lines[0]);
        Assert.Equal(2 * ResponseTimesQuery.DefaultWeeks, lines.Length - 1);
        Assert.Contains(urgentCsv, lines);
        Assert.Contains(routineCsv, lines);

        // One record lost, another corrupted: the page is wrong until the auditor's replay rebuilds both from the events.
        await using (var session = clinic.Store.LightweightSession())
        {
            session.Delete<ResponseRecord>(onTime);
            var record = (await session.LoadAsync<ResponseRecord>(forgotten))!;
            record.EscalationsRaised = 0;
            record.AcknowledgedAt = null;
            session.Store(record);
            await session.SaveChangesAsync();
        }

        Assert.NotEqual(urgentRow, Row(await staff.GetStringAsync("/staff/response-times"), day, "urgent"));

        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.True(await AuditCommands.RunAsync(clinic.App.Services, ["replay"], output, error) == 0, error.ToString());

        Assert.Equal(urgentRow, Row(await staff.GetStringAsync("/staff/response-times"), day, "urgent"));
        Assert.Equal(routineRow, Row(await staff.GetStringAsync("/staff/response-times"), day, "routine"));
        var rebuilt = (await staff.GetStringAsync("/staff/response-times.csv")).Split("\r\n");
        Assert.Contains(urgentCsv, rebuilt);
        Assert.Contains(routineCsv, rebuilt);
    }

    [Fact]
    public async Task A_range_nobody_offers_is_refused_clearly_on_the_page_and_in_the_csv()
    {
        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);

        foreach (var weeks in new[] { "1000", "abc" })
        {
            var page = await staff.GetAsync($"/staff/response-times?weeks={weeks}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Choose 4, 12, 26 or 52 weeks. Showing the last 12.", html, StringComparison.Ordinal);
            Assert.Equal(2 * ResponseTimesQuery.DefaultWeeks, RowCount().Count(html));
        }

        var csv = await staff.GetAsync("/staff/response-times.csv?weeks=1000");
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Equal("application/problem+json", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ResponseTimesQuery.WeeksError, await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var text = await staff.GetAsync("/staff/response-times.csv?weeks=abc");
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Contains(ResponseTimesQuery.WeeksError, await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var fourWeeks = await staff.GetStringAsync("/staff/response-times.csv?weeks=4");
        Assert.Equal(1 + 8, fourWeeks.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    /// <summary>The cells of the table's row for a week and priority, as shown.</summary>
    private static string[] Row(string html, string week, string priority)
    {
        var row = Regex.Match(html, $"<tr[^>]*data-week=\"{week}\" data-priority=\"{priority}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"no row for {week} {priority}");
        return [.. Cell().Matches(row.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim())];
    }

    [GeneratedRegex("<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex("<tr[^>]*data-week=")]
    private static partial Regex RowCount();
}
