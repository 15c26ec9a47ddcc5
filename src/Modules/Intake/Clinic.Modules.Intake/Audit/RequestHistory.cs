using Clinic.Modules.Intake.Domain;
using JasperFx.Events;
using Marten;

namespace Clinic.Modules.Intake.Audit;

internal sealed record HistoryEvent(long Sequence, long Version, string Type, DateTimeOffset Timestamp, object Data);

internal sealed record RequestHistory(Guid RequestId, string Reference, IReadOnlyList<HistoryEvent> Events);

/// <summary>Reads a request's full event history, by stream id or by the visitor-facing reference.</summary>
internal static class RequestHistoryQuery
{
    public const string AuditorRole = "Auditor";

    public static async Task<RequestHistory?> LoadAsync(IQuerySession session, string idOrReference, CancellationToken cancellationToken)
    {
        var request = Guid.TryParse(idOrReference, out var id)
            ? await session.LoadAsync<IntakeRequest>(id, cancellationToken)
            : ReferenceNumber.LooksLikeReference(idOrReference.ToUpperInvariant())
                ? await session.Query<IntakeRequest>()
                    .FirstOrDefaultAsync(r => r.Reference == idOrReference.ToUpperInvariant(), cancellationToken)
                : null;
        if (request is null)
        {
            return null;
        }

        var events = await session.Events.FetchStreamAsync(request.Id, token: cancellationToken);
        return new RequestHistory(request.Id, request.Reference, [.. events.Select(ToHistoryEvent)]);
    }

    private static HistoryEvent ToHistoryEvent(IEvent e) =>
        new(e.Sequence, e.Version, e.EventType.Name, e.Timestamp, e.Data);
}
