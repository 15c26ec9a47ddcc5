using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clinic.Modules.Intake.ResponseTimes;

/// <summary>The response-time page's table as CSV: the same figures, times in minutes, shares in percent.</summary>
internal static class ResponseTimesCsv
{
    public const string Header =
        "week_starting,priority,requests,acknowledge_median_minutes,acknowledge_p90_minutes,acknowledge_met,acknowledge_counted,acknowledge_met_percent,"
        + "first_contact_median_minutes,first_contact_p90_minutes,first_contact_met,first_contact_counted,first_contact_met_percent,escalations_raised";

    public static void MapResponseTimesCsv(this IEndpointRouteBuilder app) =>
        // Weeks arrive as text so that "abc" gets the same clear answer as 1000 rather than a binding failure.
        app.MapGet("/staff/response-times.csv", async Task<IResult> (string? weeks, ResponseTimesQuery query, CancellationToken cancellationToken) =>
        {
            var count = ResponseTimesQuery.DefaultWeeks;
            if (weeks is not null && (!int.TryParse(weeks, NumberStyles.None, CultureInfo.InvariantCulture, out count) || !ResponseTimesQuery.WeekChoices.Contains(count)))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["weeks"] = [ResponseTimesQuery.WeeksError] }, title: "The range needs attention");
            }

            var figures = await query.LoadAsync(count, cancellationToken);
            return TypedResults.File(
                Encoding.UTF8.GetBytes(Write(figures)),
                "text/csv; charset=utf-8",
                string.Create(CultureInfo.InvariantCulture, $"response-times-{figures[0].WeekStarting:yyyy-MM-dd}-{count}w.csv"));
        })
            .RequireAuthorization(AccessPolicies.StaffPolicy)
            .ExcludeFromDescription();

    public static string Write(IEnumerable<WeekFigures> figures)
    {
        var csv = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var f in figures)
        {
            csv.AppendJoin(',',
                Cell(f.WeekStarting.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                Cell(f.Priority),
                Cell(f.Requests.ToString(CultureInfo.InvariantCulture)),
                Cell(ResponseTimesFormat.Minutes(f.AcknowledgeMedian)),
                Cell(ResponseTimesFormat.Minutes(f.AcknowledgeP90)),
                Cell(f.Acknowledge.Met.ToString(CultureInfo.InvariantCulture)),
                Cell(f.Acknowledge.Counted.ToString(CultureInfo.InvariantCulture)),
                Cell(ResponseTimesFormat.Percent(f.Acknowledge.Fraction)),
                Cell(ResponseTimesFormat.Minutes(f.FirstContactMedian)),
                Cell(ResponseTimesFormat.Minutes(f.FirstContactP90)),
                Cell(f.FirstContact.Met.ToString(CultureInfo.InvariantCulture)),
                Cell(f.FirstContact.Counted.ToString(CultureInfo.InvariantCulture)),
                Cell(ResponseTimesFormat.Percent(f.FirstContact.Fraction)),
                Cell(f.Escalations.ToString(CultureInfo.InvariantCulture)))
                .Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting only where needed; a leading =, +, - or @ is prefixed so a spreadsheet never runs a cell as a formula.</summary>
    internal static string Cell(string value)
    {
        var text = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
