namespace Clinic.Modules.Content.Editing;

/// <summary>What an editor or reviewer asks to do with a content item.</summary>
internal abstract record EditCommand;
internal sealed record SaveDraft(string Kind, string Body) : EditCommand;
internal sealed record SubmitForReview : EditCommand;
internal sealed record Approve : EditCommand;
internal sealed record Publish : EditCommand;
internal sealed record Unpublish : EditCommand;
internal sealed record RollBack(int ToVersion) : EditCommand;
internal sealed record SchedulePublication(DateTimeOffset At) : EditCommand;
internal sealed record CancelSchedule : EditCommand;

/// <summary>The scheduled publication, run when due by whichever host's poller gets there first.</summary>
internal sealed record PublishAsScheduled : EditCommand;

internal enum EditOutcome { Done, Refused, Conflict }

/// <summary>The event to record, or why not: a refusal (the rules) or a conflict (someone changed the item meanwhile).</summary>
internal sealed record EditDecision(EditOutcome Outcome, object? Event, string? Message)
{
    public static EditDecision Record(object fact) => new(EditOutcome.Done, fact, null);

    public static EditDecision Refuse(string reason) => new(EditOutcome.Refused, null, reason);
}

/// <summary>
/// The editing workflow as a pure decision over an item's state: draft → submitted → approved → published, with four
/// eyes (no one approves a change they wrote or submitted), approval required before medical facts or crisis
/// resources go live, and optimistic concurrency (every command names the version the person saw).
/// </summary>
internal static class EditingRules
{
    public static EditDecision Decide(string key, ContentItemState? item, EditCommand command, long seenVersion, string by, DateTimeOffset now)
    {
        if (item is null)
        {
            return command switch
            {
                _ when seenVersion != 0 => new(EditOutcome.Conflict, null, "This item no longer exists as you saw it."),
                SaveDraft { Kind: var kind } when !ContentKinds.All.Contains(kind) => EditDecision.Refuse($"'{kind}' is not a kind of content."),
                SaveDraft draft => EditDecision.Record(new ContentDraftSaved(key, draft.Kind, draft.Body, 0, by, now)),
                _ => EditDecision.Refuse("There is no such content item."),
            };
        }

        if (seenVersion != item.Version)
        {
            return new(EditOutcome.Conflict, null,
                $"{item.LastChangedBy} changed this item meanwhile: it is now at version {item.Version}, and you saw version {seenVersion}. " +
                "Nothing was saved; look at their version first.");
        }

        var isAuthor = item.DraftAuthors.Contains(by, StringComparer.OrdinalIgnoreCase);
        return command switch
        {
            SaveDraft { Kind: var kind } when kind != item.Kind => EditDecision.Refuse($"This item is a {item.Kind}, not a {kind}."),
            SaveDraft draft => EditDecision.Record(new ContentDraftSaved(item.Key, item.Kind, draft.Body, seenVersion, by, now)),
            SubmitForReview when item.Review == ReviewStatus.None => EditDecision.Refuse("There is no change to submit: save a draft first."),
            SubmitForReview when item.Review != ReviewStatus.Draft => EditDecision.Refuse("This change is already submitted for review."),
            SubmitForReview => EditDecision.Record(new ContentSubmittedForReview(by, now)),
            Approve when item.Review != ReviewStatus.Submitted => EditDecision.Refuse(item.Review == ReviewStatus.Approved
                ? $"Already approved by {item.ApprovedBy}."
                : "Only a change submitted for review can be approved."),
            Approve when isAuthor => EditDecision.Refuse(
                "You wrote or submitted this change, so you cannot approve it: another clinical reviewer must (four eyes)."),
            Approve => EditDecision.Record(new ContentApproved(by, now)),
            Publish when item.Review == ReviewStatus.None => EditDecision.Refuse("There is no new change to publish."),
            Publish when item.Review == ReviewStatus.Draft => EditDecision.Refuse("Submit the change for review first."),
            Publish when item.Review == ReviewStatus.Submitted && ContentKinds.RequiresApproval(item.Kind) => EditDecision.Refuse(
                "A clinical reviewer other than its author must approve this change before it is published."),
            Publish => EditDecision.Record(new ContentPublished(item.Publications.Keys.DefaultIfEmpty(0).Max() + 1, item.DraftBody, by, now)),
            Unpublish when !ContentKinds.CanUnpublish(item.Kind) => EditDecision.Refuse(
                "The site always shows this content: publish a corrected version instead."),
            Unpublish when item.LiveVersion is null => EditDecision.Refuse("This item is not published."),
            Unpublish => EditDecision.Record(new ContentUnpublished(by, now)),
            RollBack { ToVersion: var to } when !item.Publications.ContainsKey(to) => EditDecision.Refuse($"There is no published version {to}."),
            RollBack { ToVersion: var to } when item.LiveVersion == to => EditDecision.Refuse($"Version {to} is already the one visitors see."),
            // An earlier publication was approved when it went live, so it may return without a new review.
            RollBack { ToVersion: var to } => EditDecision.Record(new ContentRolledBack(to, item.Publications[to], by, now)),
            SchedulePublication when item.Review == ReviewStatus.None => EditDecision.Refuse("There is no new change to publish."),
            SchedulePublication when item.Review == ReviewStatus.Draft => EditDecision.Refuse("Submit the change for review first."),
            SchedulePublication when item.Review == ReviewStatus.Submitted && ContentKinds.RequiresApproval(item.Kind) => EditDecision.Refuse(
                "Only an approved change can be scheduled: a clinical reviewer other than its author must approve it first."),
            SchedulePublication { At: var at } when at <= now => EditDecision.Refuse(NotInFuture),
            SchedulePublication { At: var at } => EditDecision.Record(new ContentPublishScheduled(at, by, now)),
            CancelSchedule when item.Schedule is null => EditDecision.Refuse("No publication is scheduled."),
            CancelSchedule => EditDecision.Record(new ContentScheduleCancelled(by, now)),
            PublishAsScheduled when item.Schedule is null => EditDecision.Refuse("No publication is scheduled."),
            PublishAsScheduled when item.Schedule.At > now => EditDecision.Refuse("The scheduled time has not come yet."),
            // Scheduling needed what publishing needs, and a new draft ends the schedule, so the change is still the approved one.
            PublishAsScheduled => EditDecision.Record(new ContentPublished(NextPublication(item), item.DraftBody, item.Schedule.By, now)),
            _ => EditDecision.Refuse("Unknown action."),
        };
    }

    public const string NotInFuture = "Choose a time in the future.";

    private static int NextPublication(ContentItemState item) => item.Publications.Keys.DefaultIfEmpty(0).Max() + 1;
}
