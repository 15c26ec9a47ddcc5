using Clinic.Modules.Content.Editing;

namespace Clinic.UnitTests;

/// <summary>Scheduled publishing's pure rules, and the readable text two versions are compared in.</summary>
public sealed class ContentWorkflowRulesTests
{
    private const string Key = "condition/ptsd";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

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

    private static ContentItemState Approved(string body = "v1") =>
        Run(null, (new SaveDraft(ContentKinds.Condition, body), "erin"), (new SubmitForReview(), "erin"), (new Approve(), "rita"));

    private static EditDecision Decide(ContentItemState item, EditCommand command, string by = "rita", DateTimeOffset? at = null) =>
        EditingRules.Decide(Key, item, command, item.Version, by, at ?? Now);

    [Fact]
    public void An_approved_change_can_be_scheduled_for_a_later_time()
    {
        var item = Approved();

        var decision = Decide(item, new SchedulePublication(Now.AddHours(2)));

        var scheduled = Assert.IsType<ContentPublishScheduled>(decision.Event);
        Assert.Equal(new ScheduledPublication(Now.AddHours(2), "rita"), ContentItemState.Evolve(item, scheduled, item.Version + 1).Schedule);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void A_time_that_is_not_in_the_future_is_refused(int minutesFromNow)
    {
        var decision = Decide(Approved(), new SchedulePublication(Now.AddMinutes(minutesFromNow)));

        Assert.Equal(EditOutcome.Refused, decision.Outcome);
        Assert.Equal(EditingRules.NotInFuture, decision.Message);
    }

    [Fact]
    public void Only_an_approved_change_can_be_scheduled()
    {
        var draft = Run(null, (new SaveDraft(ContentKinds.Condition, "text"), "erin"));
        var submitted = Run(draft, (new SubmitForReview(), "erin"));
        var published = Run(Approved(), (new Publish(), "rita"));

        Assert.Equal(EditOutcome.Refused, Decide(draft, new SchedulePublication(Now.AddHours(1))).Outcome);
        var unapproved = Decide(submitted, new SchedulePublication(Now.AddHours(1)));
        Assert.Equal(EditOutcome.Refused, unapproved.Outcome);
        Assert.Contains("approved", unapproved.Message, StringComparison.Ordinal);
        Assert.Equal(EditOutcome.Refused, Decide(published, new SchedulePublication(Now.AddHours(1))).Outcome);
    }

    [Fact]
    public void A_new_draft_cancels_the_schedule_so_an_unapproved_text_never_goes_live_by_it()
    {
        var scheduled = Run(Approved(), (new SchedulePublication(Now.AddHours(1)), "rita"));

        var redrafted = Run(scheduled, (new SaveDraft(ContentKinds.Condition, "changed after approval"), "erin"));

        Assert.Null(redrafted.Schedule);
        Assert.Equal(EditOutcome.Refused, Decide(redrafted, new PublishAsScheduled(), "scheduler", Now.AddHours(2)).Outcome);
    }

    [Fact]
    public void When_due_the_change_is_published_as_by_the_person_who_scheduled_it_and_not_before()
    {
        var scheduled = Run(Approved("approved text"), (new SchedulePublication(Now.AddHours(1)), "rita"));

        var early = Decide(scheduled, new PublishAsScheduled(), "scheduler", Now.AddMinutes(59));
        var due = Decide(scheduled, new PublishAsScheduled(), "scheduler", Now.AddHours(1));

        Assert.Equal(EditOutcome.Refused, early.Outcome);
        var published = Assert.IsType<ContentPublished>(due.Event);
        Assert.Equal(("rita", 1, "approved text"), (published.By, published.Version, published.Body));
        var after = ContentItemState.Evolve(scheduled, published, scheduled.Version + 1);
        Assert.Null(after.Schedule);
        Assert.Equal(1, after.LiveVersion);
    }

    [Fact]
    public void A_second_host_publishing_the_same_schedule_meets_a_conflict()
    {
        var scheduled = Run(Approved(), (new SchedulePublication(Now.AddHours(1)), "rita"));
        var seen = scheduled.Version;
        var first = EditingRules.Decide(Key, scheduled, new PublishAsScheduled(), seen, "scheduler", Now.AddHours(1));
        var after = ContentItemState.Evolve(scheduled, first.Event!, seen + 1);

        var second = EditingRules.Decide(Key, after, new PublishAsScheduled(), seen, "scheduler", Now.AddHours(1));

        Assert.Equal(EditOutcome.Conflict, second.Outcome);
    }

    [Fact]
    public void A_schedule_can_be_cancelled_and_a_manual_publication_ends_it()
    {
        var scheduled = Run(Approved(), (new SchedulePublication(Now.AddHours(1)), "rita"));

        var cancelled = Run(scheduled, (new CancelSchedule(), "sam"));
        var publishedNow = Run(scheduled, (new Publish(), "sam"));

        Assert.Null(cancelled.Schedule);
        Assert.Equal(EditOutcome.Refused, Decide(cancelled, new CancelSchedule()).Outcome);
        Assert.Null(publishedNow.Schedule);
        Assert.Equal(EditOutcome.Refused, Decide(publishedNow, new PublishAsScheduled(), "scheduler", Now.AddHours(2)).Outcome);
    }

    [Fact]
    public void A_body_is_compared_as_one_labelled_line_per_field()
    {
        var text = VersionText.Readable("""{"slug":"ptsd","name":"PTSD","description":["One.","Two."],"warningSigns":{"heading":"Signs","items":["A"]}}""");

        Assert.Equal(
            ["Slug: ptsd", "Name: PTSD", "Description 1: One.", "Description 2: Two.", "Warning signs › Heading: Signs", "Warning signs › Items 1: A"],
            text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'));
    }
}
