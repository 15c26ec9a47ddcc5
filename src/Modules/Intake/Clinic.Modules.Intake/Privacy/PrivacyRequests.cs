using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Marten;

namespace Clinic.Modules.Intake.Privacy;

internal sealed record PrivacyOutcome(bool Succeeded, string? Problem = null)
{
    public static readonly PrivacyOutcome Done = new(true);

    public static PrivacyOutcome Refused(string problem) => new(false, problem);
}

/// <summary>An erasure asked for and waiting for a second admin: the requests it covers, why, who asked and when.</summary>
internal sealed record PendingErasure(Guid ErasureId, IReadOnlyList<PrivacyStatus> Requests, string Reason, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>Legal holds and erasure on a person's request (four eyes: the admin who asks never approves).</summary>
internal sealed class PrivacyRequests(IIntakeStore store, Erasure erasure, TimeProvider time)
{
    public const int ReasonLength = 500;

    public async Task<IReadOnlyList<PrivacyStatus>> StatusesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var found = await session.LoadManyAsync<PrivacyStatus>(cancellationToken, ids);
        return [.. found.OrderBy(s => s.ArrivedAt)];
    }

    public async Task<PrivacyStatus?> FindAsync(string reference, CancellationToken cancellationToken)
    {
        var wanted = reference.Trim().ToUpperInvariant();
        await using var session = store.QuerySession();
        return await session.Query<PrivacyStatus>().FirstOrDefaultAsync(s => s.Reference == wanted, cancellationToken);
    }

    public async Task<IReadOnlyList<PrivacyStatus>> HeldAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return [.. await session.Query<PrivacyStatus>().Where(s => s.HoldReason != null).OrderBy(s => s.ArrivedAt).Take(500).ToListAsync(cancellationToken)];
    }

    public async Task<IReadOnlyList<PendingErasure>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var waiting = await session.Query<PrivacyStatus>().Where(s => s.PendingErasureId != null).Take(1000).ToListAsync(cancellationToken);
        return [.. waiting.GroupBy(s => s.PendingErasureId!.Value)
            .Select(g => new PendingErasure(g.Key, [.. g.OrderBy(s => s.ArrivedAt)], g.First().ErasureReason ?? "", g.First().ErasureRequestedBy ?? "", g.First().ErasureRequestedAt ?? default))
            .OrderBy(p => p.RequestedAt)];
    }

    public Task<PrivacyOutcome> PlaceHoldAsync(string reference, string reason, string by, CancellationToken cancellationToken) =>
        AppendAsync(reference, reason, (status, why, now) => status switch
        {
            { IsErased: true } => (null, "This request's personal data is already erased: there is nothing left to hold."),
            { IsHeld: true } => (null, "This request is already under a legal hold."),
            _ => (new LegalHoldPlaced(why, by, now), null),
        }, cancellationToken);

    public Task<PrivacyOutcome> LiftHoldAsync(string reference, string reason, string by, CancellationToken cancellationToken) =>
        AppendAsync(reference, reason, (status, why, now) => status.IsHeld
            ? (new LegalHoldLifted(why, by, now), null)
            : (null, "This request is not under a legal hold."), cancellationToken);

    /// <summary>Asks for the erasure of these requests (all of one person's); another admin must approve.</summary>
    public async Task<PrivacyOutcome> RequestErasureAsync(IReadOnlyCollection<Guid> ids, string reason, string by, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return PrivacyOutcome.Refused("Choose at least one request to erase.");
        }

        if (Invalid(reason) is { } problem)
        {
            return PrivacyOutcome.Refused(problem);
        }

        var erasureId = Guid.CreateVersion7();
        await using var session = store.LightweightSession();
        await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
        foreach (var id in ids.Distinct())
        {
            var stream = await session.Events.FetchForExclusiveWriting<PrivacyStatus>(id, cancellationToken);
            switch (stream.Aggregate)
            {
                case null:
                    return PrivacyOutcome.Refused("One of the chosen requests does not exist.");
                case { IsErased: true } s:
                    return PrivacyOutcome.Refused($"{s.Reference} is already erased.");
                case { IsHeld: true } s:
                    return PrivacyOutcome.Refused($"{s.Reference} is under a legal hold ({s.HoldReason}): lift the hold first.");
                case { PendingErasureId: not null } s:
                    return PrivacyOutcome.Refused($"The erasure of {s.Reference} has been asked for already and waits for approval.");
            }

            stream.AppendOne(new ErasureRequested(erasureId, reason.Trim(), by, time.GetUtcNow()));
        }

        await session.SaveChangesAsync(cancellationToken);
        return PrivacyOutcome.Done;
    }

    /// <summary>The second admin approves: each request's erasure is recorded as approved, then carried out.</summary>
    public async Task<PrivacyOutcome> ApproveAsync(Guid erasureId, string approver, CancellationToken cancellationToken)
    {
        var pending = (await PendingAsync(cancellationToken)).FirstOrDefault(p => p.ErasureId == erasureId);
        if (pending is null)
        {
            return PrivacyOutcome.Refused("This erasure is no longer waiting for approval.");
        }

        if (string.Equals(pending.RequestedBy, approver, StringComparison.OrdinalIgnoreCase))
        {
            return PrivacyOutcome.Refused("You asked for this erasure: another admin must approve it (four eyes).");
        }

        var held = new List<string>();
        foreach (var request in pending.Requests)
        {
            string approvedBy;
            await using (var session = store.LightweightSession())
            {
                await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
                var stream = await session.Events.FetchForExclusiveWriting<PrivacyStatus>(request.Id, cancellationToken);
                if (stream.Aggregate?.PendingErasureId != erasureId)
                {
                    continue;
                }

                // Approved before and interrupted (a crash): this approval completes the erasure the first one approved.
                if (stream.Aggregate.ErasureApprovedBy is { } earlier)
                {
                    approvedBy = earlier;
                }
                else
                {
                    stream.AppendOne(new ErasureApproved(erasureId, approver, time.GetUtcNow()));
                    await session.SaveChangesAsync(cancellationToken);
                    approvedBy = approver;
                }
            }

            if (await erasure.EraseAsync(request.Id, Erasure.OnRequest, pending.RequestedBy, approvedBy, cancellationToken) == ErasureOutcome.Held)
            {
                held.Add(request.Reference);
            }
        }

        return held.Count == 0
            ? PrivacyOutcome.Done
            : PrivacyOutcome.Refused($"Not erased, because a legal hold was placed after the erasure was asked for: {string.Join(", ", held)}. The others were erased.");
    }

    private async Task<PrivacyOutcome> AppendAsync(
        string reference, string reason, Func<PrivacyStatus, string, DateTimeOffset, (object? Fact, string? Refusal)> decide, CancellationToken cancellationToken)
    {
        if (Invalid(reason) is { } problem)
        {
            return PrivacyOutcome.Refused(problem);
        }

        if (await FindAsync(reference, cancellationToken) is not { } found)
        {
            return PrivacyOutcome.Refused($"No request has the reference '{reference.Trim()}'.");
        }

        await using var session = store.LightweightSession();
        await ReadModelLock.EnterForWriteAsync(session, cancellationToken);
        var stream = await session.Events.FetchForExclusiveWriting<PrivacyStatus>(found.Id, cancellationToken);
        var (fact, refusal) = decide(stream.Aggregate!, reason.Trim(), time.GetUtcNow());
        if (fact is null)
        {
            return PrivacyOutcome.Refused(refusal!);
        }

        stream.AppendOne(fact);
        await session.SaveChangesAsync(cancellationToken);
        return PrivacyOutcome.Done;
    }

    private static string? Invalid(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Give a reason."
        : reason.Length > ReasonLength ? $"Keep the reason under {ReasonLength} characters."
        : reason.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t') ? "The reason holds control characters."
        : null;
}
