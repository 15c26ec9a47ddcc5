using Clinic.Modules.Content.Contracts;
using JasperFx.Events;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Content.Editing;

internal sealed record EditResult(EditOutcome Outcome, string? Message = null, long Version = 0);

/// <summary>
/// Editors' and reviewers' actions on content items: each decided by <see cref="EditingRules"/> over the item's
/// events and appended only if the stream is still at the version the person saw. A draft is checked first the
/// way the data files are, against what is published, so nothing the site cannot show is ever saved.
/// </summary>
internal sealed partial class ContentEditing(
    IContentStore store, PublishedContent published, ContentRefresh refresh, IPublishEndpoint bus, TimeProvider time, ILogger<ContentEditing> logger)
{
    public async Task<EditResult> HandleAsync(string key, EditCommand command, long seenVersion, string by, CancellationToken cancellationToken)
    {
        if (command is SaveDraft draft && Check(key, draft) is { } problem)
        {
            return new EditResult(EditOutcome.Refused, problem);
        }

        await using var session = store.LightweightSession();
        var history = await session.Events.FetchStreamAsync(key, token: cancellationToken);
        var item = ContentItemState.From(history);
        var decision = EditingRules.Decide(key, item, command, seenVersion, by, time.GetUtcNow());
        if (decision.Event is not { } fact)
        {
            return new EditResult(decision.Outcome, decision.Message, item?.Version ?? 0);
        }

        if (item is null)
        {
            session.Events.StartStream(key, fact);
        }
        else
        {
            // Marten's expected version is the stream's version after this append.
            session.Events.Append(key, item.Version + 1, fact);
        }

        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException)
        {
            return new EditResult(EditOutcome.Conflict, "Someone changed this item at the same moment. Nothing was saved; look at their version first.");
        }

        if (fact is ContentPublished or ContentUnpublished or ContentRolledBack)
        {
            await refresh.RefreshAsync(cancellationToken);
            await AnnounceAsync(cancellationToken);
        }

        return new EditResult(EditOutcome.Done, null, (item?.Version ?? 0) + 1);
    }

    public async Task<IReadOnlyList<ContentItemView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return [.. (await session.Query<ContentItemView>().ToListAsync(cancellationToken)).OrderBy(v => v.Kind, StringComparer.Ordinal).ThenBy(v => v.Id, StringComparer.Ordinal)];
    }

    /// <summary>Every event of an item, oldest first: who changed what and when.</summary>
    public async Task<IReadOnlyList<IEvent>> HistoryAsync(string key, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Events.FetchStreamAsync(key, token: cancellationToken);
    }

    /// <summary>
    /// Tells every host to reload now. The change is already committed and live here: if the broker cannot take the
    /// message, the other hosts still find it at their next periodic check of the store.
    /// </summary>
    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(5));
            await bus.Publish(new PublishedContentChanged(time.GetUtcNow()), deadline.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAnnounceFailed(logger, e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not announce a publication to the other hosts; they find it at their next check of the store")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);

    /// <summary>The site as it would be with this draft published; null when it can be, otherwise the problem.</summary>
    private string? Check(string key, SaveDraft draft)
    {
        var items = published.Current.Items.Where(i => i.Key != key).Append(new PublishedItem(key, draft.Kind, draft.Body));
        try
        {
            ContentItems.Build(items, published.Library.ConditionsVersion);
            return null;
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
    }
}
