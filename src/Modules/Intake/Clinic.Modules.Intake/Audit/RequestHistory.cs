using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using JasperFx.Events;
using Marten;

namespace Clinic.Modules.Intake.Audit;

internal sealed record HistoryEvent(long Sequence, long Version, string Type, DateTimeOffset Timestamp, string Actor, string? CorrelationId, object Data);

internal sealed record RequestHistory(Guid RequestId, string Reference, IReadOnlyList<HistoryEvent> Events);

/// <summary>Reads a request's full event history, by stream id or by the visitor-facing reference.</summary>
internal static class RequestHistoryQuery
{
    public static async Task<RequestHistory?> LoadAsync(IQuerySession session, string idOrReference, CancellationToken cancellationToken)
    {
        var request = Guid.TryParse(idOrReference, out var id)
            ? await session.LoadAsync<RequestReceipt>(id, cancellationToken)
            : ReferenceNumber.LooksLikeReference(idOrReference.ToUpperInvariant())
                ? await session.Query<RequestReceipt>()
                    .FirstOrDefaultAsync(r => r.Reference == idOrReference.ToUpperInvariant(), cancellationToken)
                : null;
        if (request is null)
        {
            return null;
        }

        var events = await session.Events.FetchStreamAsync(request.Id, token: cancellationToken);
        // After an erasure the details are unreadable (their key is gone): each event that held them says so instead.
        var erased = Privacy.ErasedMarker.In(events.Select(e => e.Data));
        return new RequestHistory(request.Id, request.Reference, [.. events.Select(e => ToHistoryEvent(e) with { Data = Privacy.ErasedMarker.Redact(e.Data, erased) })]);
    }

    /// <summary>The state of the request as it stood at <paramref name="asOf"/>, rebuilt from its events up to then.</summary>
    public static Task<RequestView?> AsOfAsync(IQuerySession session, Guid id, DateTimeOffset asOf, CancellationToken cancellationToken) =>
        session.Events.AggregateStreamAsync<RequestView>(id, timestamp: asOf, token: cancellationToken);

    /// <summary>The history with its encrypted personal data decrypted, or marked erased (see <see cref="Privacy.Disclosure"/>).</summary>
    public static async Task<RequestHistory> DiscloseAsync(RequestHistory history, Privacy.Disclosure disclosure, CancellationToken cancellationToken)
    {
        var events = new List<HistoryEvent>(history.Events.Count);
        foreach (var e in history.Events)
        {
            events.Add(e with { Data = await disclosure.ShowAsync(history.RequestId, e.Data, cancellationToken) });
        }

        return history with { Events = events };
    }

    internal static HistoryEvent ToHistoryEvent(IEvent e) =>
        new(e.Sequence, e.Version, e.EventTypeName, e.Timestamp, Actor(e.Data), e.CorrelationId, e.Data);

    /// <summary>Who caused an event: the named staff member, the visitor, or the system (deliveries, rules).</summary>
    public static string Actor(object data) => data switch
    {
        RequestSubmitted s => $"visitor ({s.Channel})",
        SuspectedSpamReceived s => $"visitor ({s.Channel})",
        RequestAcknowledged e => e.By,
        RequestAssigned e => e.By,
        ContactAttempted e => e.By,
        CallScheduled e => e.By,
        RequestDeclined e => e.By,
        RequestClosed e => e.By,
        NoteAdded e => e.By,
        SpamCleared e => e.By,
        PersonalDataErased e => e.ApprovedBy is null ? e.By : $"{e.By}, approved by {e.ApprovedBy}",
        LegalHoldPlaced e => e.By,
        LegalHoldLifted e => e.By,
        ErasureRequested e => e.By,
        ErasureApproved e => e.By,
        // The response policy acted, not a person: named so an auditor tells it from deliveries and rules.
        EscalationRaised => "system (escalation policy)",
        _ => "system",
    };
}
