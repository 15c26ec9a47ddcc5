using Clinic.Modules.Intake.ReadModels;
using Marten;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>Appends a fact reported by another module to a request's stream, once.</summary>
internal static class RequestHistoryWriter
{
    /// <summary>
    /// Deliveries of one request arrive together; an exclusive lock on the stream makes them queue
    /// rather than fail and retry (a failed append also leaves a gap the async daemon must wait out).
    /// Repeats of a message find the fact already recorded and change nothing.
    /// </summary>
    public static async Task AppendOnceAsync(
        IDocumentSession session, Guid requestId, Func<RequestView, bool> alreadyRecorded, object fact, CancellationToken cancellationToken)
    {
        await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
        var stream = await session.Events.FetchForExclusiveWriting<RequestView>(requestId, cancellationToken);
        if (stream.Aggregate is null)
        {
            throw new InvalidOperationException($"No intake request with id {requestId}.");
        }

        if (alreadyRecorded(stream.Aggregate))
        {
            return;
        }

        stream.AppendOne(fact);
        await session.SaveChangesAsync(cancellationToken);
    }
}
