using System.Collections.Immutable;
using JasperFx.Events;

namespace Clinic.Modules.Content.Editing;

/// <summary>Where an item's pending change stands: nothing pending, a draft, submitted for review, approved.</summary>
internal enum ReviewStatus { None, Draft, Submitted, Approved }

/// <summary>
/// A content item as editing decisions see it, evolved from its events alone (no I/O).
/// </summary>
/// <param name="Version">The stream version: what an editor's page posts back, so a change made meanwhile is a conflict.</param>
/// <param name="DraftAuthors">Everyone who wrote or submitted the pending change: none of them may approve it.</param>
/// <param name="Publications">Every published version's body, by publication number.</param>
internal sealed record ContentItemState(
    string Key,
    string Kind,
    long Version,
    ReviewStatus Review,
    string DraftBody,
    ImmutableHashSet<string> DraftAuthors,
    string? ApprovedBy,
    string LastChangedBy,
    int? LiveVersion,
    ImmutableSortedDictionary<int, string> Publications)
{
    /// <summary>When the approved change is to go live, and as whose publication; null when nothing is scheduled.</summary>
    public ScheduledPublication? Schedule { get; init; }

    public static ContentItemState? Create(object first, long version) => first is ContentDraftSaved e
        ? new ContentItemState(e.Key, e.Kind, version, ReviewStatus.Draft, e.Body, [e.By], null, e.By, null, ImmutableSortedDictionary<int, string>.Empty)
        : null;

    public static ContentItemState Evolve(ContentItemState state, object fact, long version) => fact switch
    {
        ContentDraftSaved e => state with
        {
            Review = ReviewStatus.Draft,
            DraftBody = e.Body,
            // A change after publication starts a new review cycle; one after an approval needs approving again.
            DraftAuthors = state.Review == ReviewStatus.None ? [e.By] : state.DraftAuthors.Add(e.By),
            ApprovedBy = null,
        },
        ContentSubmittedForReview e => state with { Review = ReviewStatus.Submitted, DraftAuthors = state.DraftAuthors.Add(e.By) },
        ContentApproved e => state with { Review = ReviewStatus.Approved, ApprovedBy = e.By },
        ContentPublished e => state with
        {
            Review = ReviewStatus.None,
            DraftBody = e.Body,
            DraftAuthors = [],
            ApprovedBy = null,
            LiveVersion = e.Version,
            Publications = state.Publications.SetItem(e.Version, e.Body),
        },
        ContentUnpublished => state with { LiveVersion = null },
        ContentRolledBack e => state with { LiveVersion = e.ToVersion },
        _ => state,
    } with
    { Version = version, LastChangedBy = By(fact) ?? state.LastChangedBy, Schedule = ScheduleAfter(state.Schedule, fact) };

    /// <summary>A new draft or a publication ends a schedule: only the change that was approved may go live by it.</summary>
    private static ScheduledPublication? ScheduleAfter(ScheduledPublication? schedule, object fact) => fact switch
    {
        ContentPublishScheduled e => new ScheduledPublication(e.PublishAt, e.By),
        ContentDraftSaved or ContentPublished or ContentScheduleCancelled => null,
        _ => schedule,
    };

    /// <summary>The state after a whole history, oldest event first; null when the stream holds no item.</summary>
    public static ContentItemState? From(IEnumerable<IEvent> history)
    {
        ContentItemState? state = null;
        foreach (var e in history)
        {
            state = state is null ? Create(e.Data, e.Version) : Evolve(state, e.Data, e.Version);
        }

        return state;
    }

    public static string? By(object fact) => fact switch
    {
        ContentDraftSaved e => e.By,
        ContentSubmittedForReview e => e.By,
        ContentApproved e => e.By,
        ContentPublished e => e.By,
        ContentUnpublished e => e.By,
        ContentRolledBack e => e.By,
        ContentPublishScheduled e => e.By,
        ContentScheduleCancelled e => e.By,
        _ => null,
    };
}

/// <summary>A pending change's publication time and who scheduled it (the publication is recorded as theirs).</summary>
internal sealed record ScheduledPublication(DateTimeOffset At, string By);
