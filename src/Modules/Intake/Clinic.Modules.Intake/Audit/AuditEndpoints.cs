using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clinic.Modules.Intake.Audit;

internal static class AuditEndpoints
{
    public static void MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit")
            .WithTags("Audit")
            .RequireAuthorization(policy => policy.RequireRole(RequestHistoryQuery.AuditorRole));

        audit.MapGet("/requests/{id}/events", async Task<IResult> (string id, IQuerySession session, CancellationToken cancellationToken) =>
            await RequestHistoryQuery.LoadAsync(session, id, cancellationToken) is { } history
                ? TypedResults.Ok(history)
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Request not found",
                    detail: $"No intake request has the id or reference '{id}'."));
    }
}
