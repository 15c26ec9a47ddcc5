using Clinic.Modules.Intake.ReadModels;
using Marten;

namespace Clinic.Modules.Intake.RecordStaffNotification;

/// <summary>Appends facts reported by another module to requests' streams, each once.</summary>
internal static class RequestHistoryWriter
{
    /// <summary>Appends one fact to a request's stream unless <paramref name="alreadyRecorded"/> finds it there, and saves.</summary>
    public static Task AppendOnceAsync(
        IDocumentSession session, Guid requestId, Func<RequestView, bool> alreadyRecorded, object fact, CancellationToken cancellationToken) =>
        AppendEachOnceAsync(session, [(requestId, fact)], (request, _) => alreadyRecorded(request), static (_, _) => false, cancellationToken);

    /// <summary>
    /// Appends each request's new facts in one transaction, and saves. Deliveries of one request arrive together; an
    /// exclusive lock on the stream makes them queue rather than fail and retry (a failed append also leaves a gap the
    /// async daemon must wait out). Repeats of a message find the fact already recorded, or <paramref name="sameFact"/>
    /// finds it among those being appended, and change nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">A request has no stream; nothing is saved.</exception>
    public static async Task AppendEachOnceAsync<TFact>(
        IDocumentSession session,
        IEnumerable<(Guid RequestId, TFact Fact)> facts,
        Func<RequestView, TFact, bool> alreadyRecorded,
        Func<TFact, TFact, bool> sameFact,
        CancellationToken cancellationToken)
        where TFact : class
    {
        await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
        var appended = false;
        // Streams locked in one order by every writer, so two hosts' batches never deadlock on each other.
        foreach (var request in facts.GroupBy(f => f.RequestId, f => f.Fact).OrderBy(g => g.Key))
        {
            var stream = await session.Events.FetchForExclusiveWriting<RequestView>(request.Key, cancellationToken);
            if (stream.Aggregate is null)
            {
                throw new InvalidOperationException($"No intake request with id {request.Key}.");
            }

            var news = new List<TFact>();
            foreach (var fact in request)
            {
                if (!alreadyRecorded(stream.Aggregate, fact) && !news.Exists(n => sameFact(n, fact)))
                {
                    news.Add(fact);
                }
            }

            if (news.Count > 0)
            {
                stream.AppendMany(news);
                appended = true;
            }
        }

        if (appended)
        {
            await session.SaveChangesAsync(cancellationToken);
        }
    }
}
