using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>Reads the response records of whole clinic weeks and turns them into the page's (and the CSV's) figures.</summary>
internal sealed class ResponseTimesQuery(IIntakeStore store, IOptions<ResponsePolicyOptions> policy, TimeProvider clock)
{
    public const int DefaultWeeks = 12;

    /// <summary>The spans a person can choose: a month, a quarter, half a year, a year.</summary>
    public static readonly int[] WeekChoices = [4, DefaultWeeks, 26, 52];

    public static string WeeksError => $"Choose {string.Join(", ", WeekChoices[..^1])} or {WeekChoices[^1]} weeks.";

    public ClinicWeeks Weeks { get; } = ClinicWeeks.For(policy.Value.TimeZone);

    public async Task<IReadOnlyList<WeekFigures>> LoadAsync(int weekCount, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var weeks = Weeks.Last(weekCount, now);
        // In UTC: Npgsql sends only UTC values as timestamptz parameters.
        var from = Weeks.StartOf(weeks[0]);
        var to = Weeks.StartOf(weeks[^1].AddDays(7));
        await using var session = store.QuerySession();
        var records = await session.Query<ResponseRecord>()
            .Where(r => r.EnteredFlowAt >= from && r.EnteredFlowAt < to)
            .ToListAsync(cancellationToken);
        return ResponseTimesReport.Build(records, weeks, Weeks, now);
    }
}
