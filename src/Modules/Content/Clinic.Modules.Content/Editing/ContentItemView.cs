namespace Clinic.Modules.Content.Editing;

/// <summary>
/// One content item as the site and the editors' list read it: what visitors see (the live version and its body)
/// and where the pending change stands. An inline projection of the item's stream, written in the same commit.
/// </summary>
public sealed class ContentItemView
{
    /// <summary>The stream key, e.g. "condition/ptsd".</summary>
    public string Id { get; set; } = "";

    public string Kind { get; set; } = "";

    /// <summary>The stream version (what an editor's page posts back).</summary>
    public long Version { get; set; }

    /// <summary>"none", "draft", "submitted" or "approved": the pending change's state.</summary>
    public string Review { get; set; } = "draft";

    public int? LiveVersion { get; set; }

    /// <summary>The body visitors see; null while nothing is published.</summary>
    public string? LiveBody { get; set; }

    /// <summary>
    /// Publications, unpublications and rollbacks by people (not the seed import): for conditions, what raises the
    /// condition catalogue's version.
    /// </summary>
    public int EditorialChanges { get; set; }

    public string LastChangedBy { get; set; } = "";

    /// <summary>When the live version went live (published or rolled back to): the research feed's date.</summary>
    public DateTimeOffset? LiveSince { get; set; }

    public DateTimeOffset LastChangedAt { get; set; }

    /// <summary>When the approved change is scheduled to go live; null when nothing is scheduled.</summary>
    public DateTimeOffset? ScheduledPublishAt { get; set; }

    /// <summary>Who scheduled it: the publication is recorded as theirs.</summary>
    public string? ScheduledBy { get; set; }

    public static ContentItemView Create(ContentDraftSaved e) => new()
    {
        Id = e.Key,
        Kind = e.Kind,
        Version = 1,
        Review = "draft",
        LastChangedBy = e.By,
        LastChangedAt = e.At,
    };

    public void Apply(ContentDraftSaved e)
    {
        Changed("draft", e.By, e.At);
        Unschedule();
    }

    public void Apply(ContentSubmittedForReview e) => Changed("submitted", e.By, e.At);

    public void Apply(ContentApproved e) => Changed("approved", e.By, e.At);

    public void Apply(ContentPublished e)
    {
        Changed("none", e.By, e.At);
        GoLive(e.Version, e.Body, e.By);
        Unschedule();
        LiveSince = e.At;
    }

    public void Apply(ContentUnpublished e)
    {
        Changed(Review, e.By, e.At);
        GoLive(null, null, e.By);
    }

    public void Apply(ContentRolledBack e)
    {
        Changed(Review, e.By, e.At);
        GoLive(e.ToVersion, e.Body, e.By);
        LiveSince = e.At;
    }

    public void Apply(ContentPublishScheduled e)
    {
        Changed(Review, e.By, e.At);
        (ScheduledPublishAt, ScheduledBy) = (e.PublishAt, e.By);
    }

    public void Apply(ContentScheduleCancelled e)
    {
        Changed(Review, e.By, e.At);
        Unschedule();
    }

    private void Unschedule() => (ScheduledPublishAt, ScheduledBy) = (null, null);

    private void Changed(string review, string by, DateTimeOffset at)
    {
        Review = review;
        LastChangedBy = by;
        LastChangedAt = at;
        Version++;
    }

    private void GoLive(int? version, string? body, string by)
    {
        LiveVersion = version;
        LiveBody = body;
        if (by != SeedImport.Actor)
        {
            EditorialChanges++;
        }
    }
}
