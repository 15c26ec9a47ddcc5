using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using JasperFx.Events;
using Marten;
using Marten.Linq.MatchesSql;

namespace Clinic.Modules.Intake.Triage;

internal enum ActionOutcome { Done, Refused, Conflict, NotFound }

internal sealed record ActionResult(ActionOutcome Outcome, string? Message = null);

/// <summary>A request with the visitor's details (from its first event) and its full history.</summary>
/// <param name="Contact">Decrypted for this page; null once the request's personal data is erased.</param>
/// <param name="Notes">Each staff note's and decline reason's text by event id, decrypted; null for one erased with the request.</param>
/// <param name="DecisionVersion">What the page's actions post back: see <see cref="TriageState.Version"/>.</param>
internal sealed record RequestDetail(
    RequestView Request, ContactRequest? Contact, IReadOnlyList<IEvent> History, long DecisionVersion, IReadOnlyDictionary<Guid, string?> Notes);

/// <summary>Reads for the staff area, and staff actions appended with optimistic concurrency.</summary>
internal sealed class TriageService(IIntakeStore store, TimeProvider time, Deadlines.ResponsePolicy policy, Privacy.PersonalDataVault personalData)
{
    public const int PageSize = 50;

    /// <summary>
    /// One page of the inbox in its order (urgent first, then newest), after or before a cursor. The filters and
    /// the order match the inbox indexes (IntakeModule), so a page costs the same at any depth and history size.
    /// </summary>
    public async Task<InboxPage> InboxAsync(InboxFilter filter, InboxCursor? after, InboxCursor? before, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var backwards = after is null && before is not null;
        var rows = (await InboxQuery(session, filter, after, before, time.GetUtcNow()).ToListAsync(cancellationToken)).ToList();
        var more = rows.Count > PageSize;
        if (more)
        {
            rows.RemoveAt(PageSize);
        }

        if (backwards)
        {
            rows.Reverse();
        }

        if (rows.Count == 0)
        {
            return new InboxPage(rows, null, null);
        }

        var hasPrevious = backwards ? more : after is not null;
        var hasNext = backwards || more;
        return new InboxPage(rows, hasPrevious ? InboxCursor.Of(rows[0]) : null, hasNext ? InboxCursor.Of(rows[^1]) : null);
    }

    /// <summary>The page's query (one row more than a page, to know whether another follows).</summary>
    internal static IQueryable<InboxEntry> InboxQuery(IQuerySession session, InboxFilter filter, InboxCursor? after, InboxCursor? before, DateTimeOffset now)
    {
        var query = session.Query<InboxEntry>().Where(r => r.IsSuspectedSpam == filter.Spam);
        if (filter.Status is { } wanted)
        {
            query = query.Where(r => r.Status == wanted);
        }
        else if (!filter.All)
        {
            query = query.Where(r => r.IsOpen);
        }

        if (filter.OverdueOnly)
        {
            query = query.Where(r => r.IsOpen && r.DueAt < now);
        }

        if (!string.IsNullOrEmpty(filter.Condition))
        {
            query = query.Where(r => r.ConditionSlug == filter.Condition);
        }

        // Row comparison in the index's own column order, so PostgreSQL starts the index scan at the cursor.
        if (after is { } from)
        {
            query = query.Where(r => r.MatchesSql("(d.is_urgent, d.submitted_at, d.id) < (?, ?, ?)", from.Urgent, from.SubmittedAt.ToUniversalTime(), from.Id));
        }
        else if (before is { } to)
        {
            query = query.Where(r => r.MatchesSql("(d.is_urgent, d.submitted_at, d.id) > (?, ?, ?)", to.Urgent, to.SubmittedAt.ToUniversalTime(), to.Id));
        }

        // Urgent first, then newest: a person in crisis is never below the fold.
        var ordered = after is null && before is not null
            ? query.OrderBy(r => r.IsUrgent).ThenBy(r => r.SubmittedAt).ThenBy(r => r.Id)
            : query.OrderByDescending(r => r.IsUrgent).ThenByDescending(r => r.SubmittedAt).ThenByDescending(r => r.Id);
        return ordered.Take(PageSize + 1);
    }

    /// <summary>The request with this reference (as issued: upper case), through the references' unique index.</summary>
    public async Task<Guid?> FindAsync(string reference, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var ids = await session.Query<RequestReceipt>().Where(r => r.Reference == reference).Select(r => r.Id).ToListAsync(cancellationToken);
        return ids.Count == 0 ? null : ids[0];
    }

    public async Task<int> CountSpamAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Query<InboxEntry>().CountAsync(r => r.IsSuspectedSpam, cancellationToken);
    }

    /// <summary>The request, its visitor's details and history; the viewing is recorded in the access log.</summary>
    public async Task<RequestDetail?> OpenAsync(Guid id, string viewer, string page, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        // The events first, then the view: a colleague's action landing between the two reads then shows on the
        // page with an older decision version, so acting on it is a conflict rather than a decision on a stale screen.
        var history = await session.Events.FetchStreamAsync(id, token: cancellationToken);
        if (history.Count == 0 || await session.LoadAsync<RequestView>(id, cancellationToken) is not { } request)
        {
            return null;
        }

        var contact = await personalData.OpenAsync(Arrival.In(history), cancellationToken);
        var notes = await personalData.OpenNotesAsync(id, history, cancellationToken);

        PersonalDataAccess.Record(session, id, request.Reference, viewer, page, time.GetUtcNow());
        await session.SaveChangesAsync(cancellationToken);
        return new RequestDetail(request, contact, history, TriageState.From(history)?.Version ?? 0, notes);
    }

    /// <summary>
    /// Records what a staff member decided, if nothing a decision depends on was recorded since they looked
    /// (<paramref name="seenVersion"/> is the <see cref="TriageState.Version"/> they saw). A colleague's
    /// action makes it a conflict: nothing is saved and they look again. A delivery report does not.
    /// </summary>
    public async Task<ActionResult> ActAsync(Guid id, long seenVersion, TriageCommand command, string by, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var history = await session.Events.FetchStreamAsync(id, token: cancellationToken);
            if (TriageState.From(history) is not { } state)
            {
                return new ActionResult(ActionOutcome.NotFound);
            }

            if (state.Version != seenVersion)
            {
                return Conflict;
            }

            var now = time.GetUtcNow();
            var (fact, refusal) = TriageRules.Decide(state, command, by, now);
            if (fact is null)
            {
                return new ActionResult(ActionOutcome.Refused, refusal);
            }

            // Staff write visitors' details into notes: the text is kept only under the request's data key.
            if (fact is NoteAdded { Text: { } text } note)
            {
                if (await personalData.SealNoteAsync(session, id, text, cancellationToken) is not { } sealedText)
                {
                    return new ActionResult(ActionOutcome.Refused, "This request's personal data has been erased, so no note can be kept with it.");
                }

                fact = note with { Text = null, SealedText = sealedText };
            }

            // A decline's reason often quotes the visitor too: kept the same way.
            if (fact is RequestDeclined { Reason: { } reason } decline)
            {
                if (await personalData.SealNoteAsync(session, id, reason, cancellationToken) is not { } sealedReason)
                {
                    return new ActionResult(ActionOutcome.Refused, "This request's personal data has been erased, so no reason can be kept with it.");
                }

                fact = decline with { Reason = null, SealedReason = sealedReason };
            }

            // A request restored from the spam folder enters the staff's flow now: its deadlines count from this moment.
            object[] facts = fact is SpamCleared
                ? [fact, policy.DeadlinesFor(urgent: history.Any(e => e.Data is RequestMarkedUrgent), now)]
                : [fact];

            // Appended only onto the exact stream version read above; anything appended in between aborts it.
            session.Events.Append(id, history[^1].Version + facts.Length, facts);
            try
            {
                await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
                await session.SaveChangesAsync(cancellationToken);
                return new ActionResult(ActionOutcome.Done);
            }
            catch (JasperFx.ConcurrencyException) when (attempt < MaxAttempts)
            {
                // Something was appended meanwhile: read again, and refuse only if it was a decision.
            }
            catch (JasperFx.ConcurrencyException)
            {
                return Conflict;
            }
        }
    }

    private const int MaxAttempts = 5;

    private static readonly ActionResult Conflict = new(ActionOutcome.Conflict,
        "This request changed while you were looking at it, so nothing was saved. Here it is as it stands now: check it, then try again if you still need to.");
}
