using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Library;

namespace Clinic.UnitTests;

/// <summary>The content workflow's pure decisions: four eyes, approval before medical facts go live, conflicts, rollback.</summary>
public sealed class ContentEditingRulesTests
{
    private const string Key = "condition/ptsd";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Applies each command in turn as the named person, failing the test on any refusal.</summary>
    private static ContentItemState Run(ContentItemState? item, params (EditCommand Command, string By)[] steps)
    {
        foreach (var (command, by) in steps)
        {
            var decision = EditingRules.Decide(Key, item, command, item?.Version ?? 0, by, Now);
            Assert.True(decision.Outcome == EditOutcome.Done, $"{command} by {by}: {decision.Message}");
            item = item is null ? ContentItemState.Create(decision.Event!, 1) : ContentItemState.Evolve(item, decision.Event!, item.Version + 1);
        }

        return item!;
    }

    private static ContentItemState Published(string body = "v1") =>
        Run(null, (new SaveDraft(ContentKinds.Condition, body), "erin"), (new SubmitForReview(), "erin"), (new Approve(), "rita"), (new Publish(), "rita"));

    [Fact]
    public void The_author_of_a_change_cannot_approve_it()
    {
        var submitted = Run(null, (new SaveDraft(ContentKinds.Condition, "text"), "erin"), (new SubmitForReview(), "erin"));

        var decision = EditingRules.Decide(Key, submitted, new Approve(), submitted.Version, "ERIN", Now);

        Assert.Equal(EditOutcome.Refused, decision.Outcome);
        Assert.Contains("four eyes", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Someone_who_edited_the_draft_cannot_approve_it_either()
    {
        var submitted = Run(null, (new SaveDraft(ContentKinds.Condition, "a"), "erin"), (new SaveDraft(ContentKinds.Condition, "b"), "rita"), (new SubmitForReview(), "erin"));

        Assert.Equal(EditOutcome.Refused, EditingRules.Decide(Key, submitted, new Approve(), submitted.Version, "rita", Now).Outcome);
        Assert.Equal(EditOutcome.Done, EditingRules.Decide(Key, submitted, new Approve(), submitted.Version, "sam", Now).Outcome);
    }

    [Theory]
    [InlineData(ContentKinds.Condition)]
    [InlineData(ContentKinds.CrisisResources)]
    public void Medical_facts_and_crisis_resources_are_not_published_without_approval(string kind)
    {
        var submitted = Run(null, (new SaveDraft(kind, "text"), "erin"), (new SubmitForReview(), "erin"));

        var decision = EditingRules.Decide(Key, submitted, new Publish(), submitted.Version, "rita", Now);

        Assert.Equal(EditOutcome.Refused, decision.Outcome);
        Assert.Contains("approve", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approved_change_goes_live_as_the_next_version_and_an_edit_after_approval_needs_approving_again()
    {
        var item = Published();
        Assert.Equal(1, item.LiveVersion);

        item = Run(item, (new SaveDraft(ContentKinds.Condition, "v2"), "erin"), (new SubmitForReview(), "erin"), (new Approve(), "rita"),
            (new SaveDraft(ContentKinds.Condition, "v2 changed after approval"), "erin"), (new SubmitForReview(), "erin"));
        Assert.Equal(EditOutcome.Refused, EditingRules.Decide(Key, item, new Publish(), item.Version, "rita", Now).Outcome);

        item = Run(item, (new Approve(), "rita"), (new Publish(), "rita"));
        Assert.Equal(2, item.LiveVersion);
        Assert.Equal("v2 changed after approval", item.Publications[2]);
    }

    [Fact]
    public void A_draft_saved_over_a_stale_version_is_a_conflict_naming_the_other_persons_version()
    {
        var item = Run(Published(), (new SaveDraft(ContentKinds.Condition, "mine first"), "erin"));
        var seenByOther = item.Version - 1;

        var decision = EditingRules.Decide(Key, item, new SaveDraft(ContentKinds.Condition, "theirs"), seenByOther, "sam", Now);

        Assert.Equal(EditOutcome.Conflict, decision.Outcome);
        Assert.Null(decision.Event);
        Assert.Contains($"erin changed this item meanwhile: it is now at version {item.Version}", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rolling_back_puts_an_earlier_published_body_live_again()
    {
        var item = Run(Published("first text"), (new SaveDraft(ContentKinds.Condition, "second text"), "erin"), (new SubmitForReview(), "erin"),
            (new Approve(), "rita"), (new Publish(), "rita"));

        var decision = EditingRules.Decide(Key, item, new RollBack(1), item.Version, "rita", Now);

        var rolledBack = Assert.IsType<ContentRolledBack>(decision.Event);
        Assert.Equal("first text", rolledBack.Body);
        Assert.Equal(1, ContentItemState.Evolve(item, rolledBack, item.Version + 1).LiveVersion);
        Assert.Equal(EditOutcome.Refused, EditingRules.Decide(Key, item, new RollBack(7), item.Version, "rita", Now).Outcome);
        Assert.Equal(EditOutcome.Refused, EditingRules.Decide(Key, item, new RollBack(2), item.Version, "rita", Now).Outcome);
    }

    [Fact]
    public void Crisis_resources_cannot_be_taken_down()
    {
        var crisis = Run(null, (new SaveDraft(ContentKinds.CrisisResources, "x"), "erin"), (new SubmitForReview(), "erin"), (new Approve(), "rita"), (new Publish(), "rita"));

        Assert.Equal(EditOutcome.Refused, EditingRules.Decide(Key, crisis, new Unpublish(), crisis.Version, "rita", Now).Outcome);
    }

    [Fact]
    public void The_seed_files_as_published_items_build_the_same_site_as_the_files()
    {
        var files = ContentLibrary.LoadEmbedded();

        var built = ContentItems.Build(ContentItems.FromEmbeddedFiles(), files.ConditionsVersion);

        Assert.Equal(files.Conditions.Select(c => c.Slug), built.Conditions.Select(c => c.Slug));
        Assert.Equal(files.Articles.Select(a => a.Id), built.Articles.Select(a => a.Id));
        Assert.Equal(files.Conditions.Select(c => c.Description.Count), built.Conditions.Select(c => c.Description.Count));
        Assert.Equal(files.CrisisResources, built.CrisisResources, (a, b) => a.Id == b.Id && a.Actions.SequenceEqual(b.Actions));
        Assert.Equal(files.Highlights, built.Highlights);
        Assert.Equal(files.ConditionsVersion, built.ConditionsVersion);
    }
}
