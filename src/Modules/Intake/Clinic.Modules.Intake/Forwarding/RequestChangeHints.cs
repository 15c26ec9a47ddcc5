using JasperFx.Events;
using Marten;
using Marten.Events;
using Domain = Clinic.Modules.Intake.Domain;
using Integration = Clinic.Modules.Intake.Contracts;

namespace Clinic.Modules.Intake.Forwarding;

/// <summary>
/// The staff actions and escalations the forwarder passes on as <see cref="Integration.IntakeRequestChanged"/>,
/// so open inboxes refresh themselves. The reference comes from each request's first event, never a read model.
/// </summary>
internal static class RequestChangeHints
{
    public static readonly Type[] EventTypes =
    [
        typeof(Domain.RequestAcknowledged), typeof(Domain.RequestAssigned), typeof(Domain.ContactAttempted), typeof(Domain.CallScheduled),
        typeof(Domain.RequestDeclined), typeof(Domain.RequestClosed), typeof(Domain.EscalationRaised),
    ];

    public static async Task<IReadOnlyList<(Integration.IntakeRequestChanged Hint, Guid MessageId)>> ForAsync(
        IReadOnlyList<IEvent> events, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var changes = events.Select(e => (Event: e, Change: ChangeOf(e.Data))).Where(c => c.Change is not null).ToList();
        if (changes.Count == 0)
        {
            return [];
        }

        var streamIds = changes.Select(c => c.Event.StreamId).Distinct().ToArray();
        var firsts = await operations.Events.QueryAllRawEvents()
            .Where(e => streamIds.Contains(e.StreamId) && e.EventTypesAre(typeof(Domain.RequestSubmitted), typeof(Domain.SuspectedSpamReceived)))
            .ToListAsync(cancellationToken);
        var references = firsts
            .Where(e => Domain.Arrival.Of(e.Data) is not null)
            .GroupBy(e => e.StreamId)
            .ToDictionary(g => g.Key, g => Domain.Arrival.Of(g.First().Data)!.Reference);

        return [.. changes
            .Where(c => references.ContainsKey(c.Event.StreamId))
            .Select(c => (new Integration.IntakeRequestChanged(c.Event.StreamId, references[c.Event.StreamId], c.Change!, c.Event.Timestamp), c.Event.Id))];
    }

    private static string? ChangeOf(object data) => data switch
    {
        Domain.RequestAcknowledged => "acknowledged",
        Domain.RequestAssigned => "assigned",
        Domain.ContactAttempted => "contact-attempted",
        Domain.CallScheduled => "call-scheduled",
        Domain.RequestDeclined => "declined",
        Domain.RequestClosed => "closed",
        Domain.EscalationRaised => "escalated",
        _ => null,
    };
}
