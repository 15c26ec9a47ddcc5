using System.Globalization;
using static Clinic.Drills.Bench.Format;

namespace Clinic.Drills.Bench;

/// <summary>
/// Issue 16's table of targets, filled in as the bench measures: every line, in the issue's order, with this
/// run's value and met / not met. A line the run did not reach says so rather than disappearing.
/// </summary>
internal sealed class IssueTargets(bool wordPress)
{
    private const string Staff = "Staff e-mail after submission, p99 at 100 req/s";
    private const string Notify = "Notified requests/s the pipeline sustains (every alert delivered, no growing backlog)";
    private const string CpuLine = "Host + PostgreSQL CPU per request, end to end";
    private const string IntakeLine = "Intake accepted/s (JSON API)";
    private const string IntakeP99 = "Intake p99 at 500 req/s";
    private const string ContentLine = "Content page";
    private const string ReplayLine = "Read-model rebuild";
    private const string RssLine = "Host peak RSS after all loads";

    private static readonly (string Measure, string Target)[] Order =
    [
        (Staff, "< 250 ms"),
        (Notify, "≥ 300/s"),
        (CpuLine, "≤ 4 ms together"),
        (IntakeLine, "≥ 1,500/s, and ≥ 10 % of pgbench-16"),
        (IntakeP99, "< 50 ms"),
        (ContentLine, "≥ 60 % of nginx, and ≥ 1.5× cached WordPress"),
        (ReplayLine, "≥ 100k events/s"),
        (RssLine, "< 300 MB"),
    ];

    private readonly Dictionary<string, (string Result, bool? Met)> _measured = [];

    public void Mail(double p99, int mailed, int offered) =>
        _measured[Staff] = ($"{Ms(p99)} ({mailed}/{offered} mailed)", p99 < 250 && mailed == offered);

    public void Notified(double perSecond, long stored, double loadSeconds, double drainSeconds) =>
        _measured[Notify] = (string.Create(CultureInfo.InvariantCulture, $"{Rate(perSecond)} ({Number(stored)} requests, {loadSeconds:0} s load + {drainSeconds:0} s drain)"), perSecond >= 300);

    public void Cpu(CpuPerRequest used) => _measured[CpuLine] = (used.Describe(), used.TotalMs <= 4);

    public void Intake(WrkResult intake, PgBenchResult pgbench) =>
        _measured[IntakeLine] = (
            $"{Rate(intake.SucceededPerSecond)} ({Ratio(intake.SucceededPerSecond, pgbench.TransactionsPerSecond)} of pgbench's {Rate(pgbench.TransactionsPerSecond)})",
            intake.SucceededPerSecond >= 1500 && intake.SucceededPerSecond >= 0.1 * pgbench.TransactionsPerSecond && intake.NonSuccess == 0);

    public void IntakeLatency(double p99, int failed, int sent) =>
        _measured[IntakeP99] = (failed == 0 ? Ms(p99) : $"{Ms(p99)} ({failed} of {sent} not accepted)", p99 < 50 && failed == 0);

    public void Content(WrkResult clinic, WrkResult nginx, int clinicBytes, WordPressResults? wordpress)
    {
        var ofNginx = clinic.SucceededPerSecond >= 0.6 * nginx.SucceededPerSecond && clinic.NonSuccess == 0;
        if (wordpress is null)
        {
            _measured[ContentLine] = ($"{Ratio(clinic.SucceededPerSecond, nginx.SucceededPerSecond)} of nginx; WordPress not measured (--no-wordpress)", ofNginx ? null : false);
            return;
        }

        var ofWordPress = clinic.SucceededPerSecond >= 1.5 * wordpress.Cached.SucceededPerSecond && wordpress.Cached.SucceededPerSecond > 0;
        _measured[ContentLine] = (
            $"{Ratio(clinic.SucceededPerSecond, nginx.SucceededPerSecond)} of nginx, {Times(clinic.SucceededPerSecond, wordpress.Cached.SucceededPerSecond)} cached WordPress "
                + $"({Rate(clinic.SucceededPerSecond)}; {Kilobytes(clinicBytes)} vs {Kilobytes(wordpress.PageBytes)} page)",
            ofNginx && ofWordPress);
    }

    public void Replay(double perSecond, long events) =>
        _measured[ReplayLine] = (double.IsNaN(perSecond) ? "failed" : $"{Rate(perSecond)} ({Number(events)} events)", perSecond >= 100_000);

    public void Rss(long bytes) => _measured[RssLine] = ($"{bytes / 1024 / 1024} MB", bytes < 300L * 1024 * 1024);

    public IReadOnlyList<BenchRow> Rows() =>
    [
        .. Order.Select(line => _measured.TryGetValue(line.Measure, out var value)
            ? new BenchRow(line.Measure, value.Result, "", "", line.Target, value.Met)
            : new BenchRow(line.Measure, line.Measure == ContentLine && !wordPress ? "not measured (--no-wordpress)" : "not measured (the bench stopped before it)", "", "", line.Target, null)),
    ];
}
