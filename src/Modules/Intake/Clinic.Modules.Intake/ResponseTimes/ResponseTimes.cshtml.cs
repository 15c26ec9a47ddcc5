using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>How quickly staff acknowledge and first contact requests, per clinic week, against the response policy.</summary>
[Authorize(Policy = AccessPolicies.StaffPolicy)]
internal sealed class ResponseTimesModel(ResponseTimesQuery query) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Weeks { get; set; }

    public int WeekCount { get; private set; } = ResponseTimesQuery.DefaultWeeks;

    public string? WeeksError { get; private set; }

    public IReadOnlyList<WeekFigures> Figures { get; private set; } = [];

    public ResponseTimesChart Chart { get; private set; } = new([]);

    public string TimeZone => query.Weeks.Zone.Id;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Weeks is { } chosen && ResponseTimesQuery.WeekChoices.Contains(chosen))
        {
            WeekCount = chosen;
        }
        else if (Weeks is not null || Request.Query.ContainsKey("weeks"))
        {
            WeeksError = ResponseTimesQuery.WeeksError + $" Showing the last {ResponseTimesQuery.DefaultWeeks}.";
        }

        Figures = await query.LoadAsync(WeekCount, cancellationToken);
        Chart = new ResponseTimesChart(Figures);
    }
}
