using Clinic.Modules.Intake.ReadModels;

namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>One week's figures for one priority (urgent or routine).</summary>
/// <param name="Requests">Requests that entered the staff's flow that week (weeks are counted by that moment).</param>
/// <param name="Escalations">Escalations raised for those requests, whenever they fired.</param>
internal sealed record WeekFigures(
    DateOnly WeekStarting,
    bool Urgent,
    int Requests,
    TimeSpan? AcknowledgeMedian,
    TimeSpan? AcknowledgeP90,
    DeadlineShare Acknowledge,
    TimeSpan? FirstContactMedian,
    TimeSpan? FirstContactP90,
    DeadlineShare FirstContact,
    int Escalations)
{
    public string Priority => Urgent ? "urgent" : "routine";

    /// <summary>Both deadlines together: what the chart shows.</summary>
    public DeadlineShare AllDeadlines => Acknowledge + FirstContact;
}

/// <summary>The response-time page's figures, per week and priority, from the requests' response records.</summary>
internal static class ResponseTimesReport
{
    /// <summary>Figures for each of <paramref name="weeks"/>, urgent then routine; requests outside them are ignored.</summary>
    public static IReadOnlyList<WeekFigures> Build(IEnumerable<ResponseRecord> records, IReadOnlyList<DateOnly> weeks, ClinicWeeks clinic, DateTimeOffset now)
    {
        var byWeek = records
            .Where(r => r.EnteredFlowAt is not null)
            .ToLookup(r => (clinic.WeekOf(r.EnteredFlowAt!.Value), r.IsUrgent));
        return
        [
            .. from week in weeks
               from urgent in new[] { true, false }
               select Figures(week, urgent, byWeek[(week, urgent)].ToList(), now),
        ];
    }

    private static WeekFigures Figures(DateOnly week, bool urgent, List<ResponseRecord> requests, DateTimeOffset now)
    {
        static TimeSpan Since(ResponseRecord r, DateTimeOffset at) => at > r.EnteredFlowAt!.Value ? at - r.EnteredFlowAt.Value : TimeSpan.Zero;
        var toAcknowledge = requests.Where(r => r.AcknowledgedAt is not null).Select(r => Since(r, r.AcknowledgedAt!.Value)).ToList();
        var toContact = requests.Where(r => r.FirstContactAt is not null).Select(r => Since(r, r.FirstContactAt!.Value)).ToList();
        return new WeekFigures(
            week,
            urgent,
            requests.Count,
            ResponseStatistics.Percentile(toAcknowledge, 50),
            ResponseStatistics.Percentile(toAcknowledge, 90),
            requests.Aggregate(new DeadlineShare(), (s, r) => s.Add(ResponseStatistics.Outcome(r.AcknowledgeBy, r.AcknowledgedAt, now))),
            ResponseStatistics.Percentile(toContact, 50),
            ResponseStatistics.Percentile(toContact, 90),
            requests.Aggregate(new DeadlineShare(), (s, r) => s.Add(ResponseStatistics.Outcome(r.FirstContactBy, r.FirstContactDeadlineMetAt, now))),
            requests.Sum(r => r.EscalationsRaised));
    }
}
