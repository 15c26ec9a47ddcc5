using Clinic.Drills.Bench;

namespace Clinic.UnitTests;

/// <summary>The spread over bench runs: each run's value, min / median / max, and the median run's verdict, from bench.json.</summary>
public sealed class BenchSpreadTests
{
    private const string Machine = """{ "cores": 2, "cpu": "Test CPU", "memoryGiB": "24", "kernel": "6.1", "postgres": "PostgreSQL 17", "rabbitMq": "4.0", "dotNet": "10.0.0" }""";

    // As BenchReport serializes (camelCase), with the results as IssueTargets writes them.
    private static string Json(string at, string mail, bool mailMet, string cpu, string rss, string machine = Machine) => $$"""
        {
          "at": "{{at}}",
          "machine": {{machine}},
          "rows": [],
          "details": {},
          "targets": [
            { "measure": "Staff e-mail after submission, p99 at 100 req/s", "result": "{{mail}}", "anchor": "", "ratio": "", "target": "< 250 ms", "met": {{(mailMet ? "true" : "false")}}, "note": "" },
            { "measure": "Host + PostgreSQL CPU per request, end to end", "result": "{{cpu}}", "anchor": "", "ratio": "", "target": "≤ 4 ms together", "met": false, "note": "" },
            { "measure": "Host peak RSS after all loads", "result": "{{rss}}", "anchor": "", "ratio": "", "target": "< 300 MB", "met": {{(rss.StartsWith("2", StringComparison.Ordinal) ? "true" : "false")}}, "note": "" },
            { "measure": "Read-model rebuild", "result": "not measured (the bench stopped before it)", "anchor": "", "ratio": "", "target": "≥ 100k events/s", "met": null, "note": "" }
          ]
        }
        """;

    private static readonly string[] Three =
    [
        Json("2026-12-02T05:00:00+00:00", "30687.0 ms (2000/2000 mailed)", false, "host 16.23 + PostgreSQL 21.74 = 37.97 ms (2,000 requests)", "501 MB"),
        Json("2026-12-02T05:20:00+00:00", "180.5 ms (2000/2000 mailed)", true, "host 2.00 + PostgreSQL 1.50 = 3.50 ms (2,000 requests)", "280 MB"),
        Json("2026-12-02T05:40:00+00:00", "240.0 ms (2000/2000 mailed)", true, "host 3.00 + PostgreSQL 2.00 = 5.00 ms (2,000 requests)", "290 MB"),
    ];

    private static IReadOnlyList<string> Lines(IEnumerable<string> json) =>
        BenchSpread.Markdown([.. json.Select((j, i) => BenchSpread.Read($"run {i + 1}", j))]).Split(Environment.NewLine);

    private static string[] Cells(IReadOnlyList<string> lines, string measure) =>
        [.. lines.Single(l => l.StartsWith("| " + measure + " |", StringComparison.Ordinal)).Trim('|').Split(" | ").Select(c => c.Trim())];

    [Fact]
    public void Each_target_shows_every_runs_value_then_min_median_max_and_the_median_runs_verdict()
    {
        var lines = Lines(Three);

        Assert.StartsWith("| Target (issue 16) | Run 1 (2026-12-02 05:00) | Run 2 (2026-12-02 05:20) | Run 3 (2026-12-02 05:40) | Min | Median | Max | Target | Met (median) | Met in |", lines[0], StringComparison.Ordinal);
        Assert.Equal(
            ["Staff e-mail after submission, p99 at 100 req/s", "30,687 ms", "181 ms", "240 ms", "181 ms", "240 ms", "30,687 ms", "< 250 ms", "met", "2 of 3"],
            Cells(lines, "Staff e-mail after submission, p99 at 100 req/s"));
        Assert.Equal(
            ["Host peak RSS after all loads", "501 MB", "280 MB", "290 MB", "280 MB", "290 MB", "501 MB", "< 300 MB", "met", "2 of 3"],
            Cells(lines, "Host peak RSS after all loads"));
    }

    [Fact]
    public void The_cpu_line_is_spread_by_its_total_not_by_the_hosts_share()
    {
        var cells = Cells(Lines(Three), "Host + PostgreSQL CPU per request, end to end");

        Assert.Equal(["38.0 ms", "3.50 ms", "5.00 ms", "3.50 ms", "5.00 ms", "38.0 ms"], cells[1..7]);
        Assert.Equal("**not met**", cells[8]);
    }

    [Fact]
    public void A_target_no_run_measured_stays_in_the_table_without_figures()
    {
        var cells = Cells(Lines(Three), "Read-model rebuild");

        Assert.Equal(["—", "—", "—", "—", "—", "—", "≥ 100k events/s", "—", "—"], cells[1..]);
    }

    [Fact]
    public void An_even_number_of_runs_gives_the_middle_value_and_no_verdict_where_the_middle_runs_disagree()
    {
        var cells = Cells(Lines(Three[..2]), "Staff e-mail after submission, p99 at 100 req/s");

        Assert.Equal(["30,687 ms", "181 ms", "181 ms", "15,434 ms", "30,687 ms", "< 250 ms", "split", "1 of 2"], cells[1..]);
    }

    [Fact]
    public void The_machine_is_named_once_when_every_run_had_the_same_and_per_run_when_not()
    {
        Assert.Contains("Machine (all 3 runs): 2 cores (Test CPU), 24 GiB, Linux 6.1; PostgreSQL 17; RabbitMQ 4.0; .NET 10.0.0.", Lines(Three));

        var other = Json("2026-12-02T06:00:00+00:00", "100.0 ms (2000/2000 mailed)", true, "host 1.00 + PostgreSQL 1.00 = 2.00 ms (10 requests)", "200 MB", Machine.Replace("\"cores\": 2", "\"cores\": 4", StringComparison.Ordinal));
        Assert.Contains(Lines([.. Three, other]), l => l.StartsWith("Machines differ between runs:", StringComparison.Ordinal) && l.Contains("run 4: 4 cores", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("158/s (4 % of pgbench's 4,335/s)", 158, "/s")]
    [InlineData("33 % of nginx, 0.66× cached WordPress (16,708/s; 5.4 KB vs 55.3 KB page)", 33, "%")]
    [InlineData("3,809/s (1,205,492 events)", 3809, "/s")]
    [InlineData("858.1 ms (3395 of 5000 not accepted)", 858.1, "ms")]
    public void A_result_leads_with_its_value(string result, double value, string unit) =>
        Assert.Equal(new BenchSpread.Quantity(value, unit), BenchSpread.Lead(result));
}
