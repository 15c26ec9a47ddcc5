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
            .RequireAuthorization(AccessPolicies.AuditorPolicy);

        audit.MapGet("/requests/{id}/events", async Task<IResult> (string id, IIntakeStore store, Privacy.PersonalDataVault personalData, CancellationToken cancellationToken) =>
        {
            await using var session = store.QuerySession();
            return await RequestHistoryQuery.LoadAsync(session, id, cancellationToken) is { } history
                ? TypedResults.Ok(await RequestHistoryQuery.DiscloseAsync(history, personalData.Disclosure(), cancellationToken))
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Request not found",
                    detail: $"No intake request has the id or reference '{id}'.");
        })
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // A date range of the whole history, streamed as NDJSON or CSV.
        audit.MapGet("/export", async Task<IResult> (DateTimeOffset? from, DateTimeOffset? to, string? format, IIntakeStore store, Privacy.PersonalDataVault personalData, TimeProvider clock, HttpContext http, CancellationToken cancellationToken) =>
        {
            await using var session = store.LightweightSession();
            format ??= "ndjson";
            var errors = new Dictionary<string, string[]>();
            if (from is null) errors["from"] = ["Give the start of the range, e.g. 2026-11-01T00:00:00Z."];
            if (to is null) errors["to"] = ["Give the end of the range (exclusive), e.g. 2026-12-01T00:00:00Z."];
            if (from >= to) errors["to"] = ["The end must come after the start."];
            if (!AuditExport.Formats.Contains(format)) errors["format"] = ["Use ndjson or csv."];
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "The export range needs attention");
            }

            // Nothing is sent until the first page is read and the access is logged: a failure up to here is a
            // problem-details error (503 when the database is away), never a 200 with an empty or cut-off body.
            var export = await AuditExport.StartAsync(session, from!.Value, to!.Value, personalData.Disclosure(), cancellationToken);

            // An export holds every visitor's details in the range: it goes in the access log like a page view.
            Triage.PersonalDataAccess.Record(
                session, Guid.Empty, $"all requests {export.From:u} – {export.To:u}", http.User.Identity?.Name ?? "unknown", $"{format} export", clock.GetUtcNow());
            await session.SaveChangesAsync(cancellationToken);

            http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"intake-events-{export.From:yyyyMMddTHHmmssZ}-{export.To:yyyyMMddTHHmmssZ}.{format}\"";
            await using var writer = new StreamWriter(http.Response.Body);
            await export.WriteAsync(format, writer, cancellationToken);
            return TypedResults.Empty;
        })
            .RequireAuthorization(AccessPolicies.AuditorSensitivePolicy)
            .Produces<string>(StatusCodes.Status200OK, "application/x-ndjson", "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }
}
