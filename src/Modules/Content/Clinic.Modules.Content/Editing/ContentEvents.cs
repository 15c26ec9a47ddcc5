namespace Clinic.Modules.Content.Editing;

// The events of one content item's stream (keyed "condition/ptsd", "article/{id}", "highlights", "crisis-resources").
// Each names who did it and when; Published and RolledBack carry the body that went live, so a history alone
// shows what visitors read at any time.

/// <summary>A draft saved over the item's stream version <paramref name="BaseVersion"/> (0 for a new item).</summary>
public sealed record ContentDraftSaved(string Key, string Kind, string Body, long BaseVersion, string By, DateTimeOffset At);

public sealed record ContentSubmittedForReview(string By, DateTimeOffset At);

public sealed record ContentApproved(string By, DateTimeOffset At);

/// <summary>The draft goes live as publication <paramref name="Version"/> (1, 2, …: the number visitors' versions are known by).</summary>
public sealed record ContentPublished(int Version, string Body, string By, DateTimeOffset At);

public sealed record ContentUnpublished(string By, DateTimeOffset At);

/// <summary>An earlier publication goes live again; its body is repeated here.</summary>
public sealed record ContentRolledBack(int ToVersion, string Body, string By, DateTimeOffset At);

/// <summary>
/// The approved change is to go live at <paramref name="PublishAt"/>, published then as by <paramref name="By"/>;
/// a new draft, a publication or <see cref="ContentScheduleCancelled"/> ends the schedule.
/// </summary>
public sealed record ContentPublishScheduled(DateTimeOffset PublishAt, string By, DateTimeOffset At);

public sealed record ContentScheduleCancelled(string By, DateTimeOffset At);
