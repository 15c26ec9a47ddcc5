using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// GET /api/intake/requests/{reference}: where a 201 from POST /api/intake/requests points. It confirms that
/// the clinic holds the request and nothing more: no personal data, no triage state, and a request kept as
/// suspected spam answers like any other. References are random enough that guessing one is hopeless.
/// </summary>
internal static class IntakeRequestStatus
{
    public const string Received = "received";

    public sealed record StatusView(string Reference, string Status);

    public static string PathOf(string reference) => $"/api/intake/requests/{reference}";

    public static RouteHandlerBuilder MapIntakeRequestStatus(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/intake/requests/{reference}", GetAsync)
            .WithTags("Intake")
            .WithName("GetIntakeRequest")
            .WithSummary("Confirms that the clinic holds a request, by its reference")
            .RequireRateLimiting(IntakeRateLimiting.StatusLookupsPolicyName)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<StatusView>, ProblemHttpResult>> GetAsync(string reference, IIntakeStore store, CancellationToken cancellationToken)
    {
        await using var query = store.QuerySession();
        var normalised = reference.ToUpperInvariant();
        return ReferenceNumber.LooksLikeReference(normalised)
            && await query.Query<RequestReceipt>().AnyAsync(r => r.Reference == normalised, cancellationToken)
                ? TypedResults.Ok(new StatusView(normalised, Received))
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Request not found",
                    detail: "No request has this reference. References look like KC-7F3KQ-9XDMA.");
    }
}
