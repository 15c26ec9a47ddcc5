using Clinic.Modules.Intake.Deadlines;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Escalation;
using Clinic.Modules.Notifications.NotifyStaff;
using Microsoft.Extensions.Configuration;

namespace Clinic.UnitTests;

public sealed class EscalationRulesTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AcknowledgeBy = Submitted.AddMinutes(15);
    private static readonly DateTimeOffset FirstContactBy = Submitted.AddHours(1);

    private static readonly IReadOnlyList<EscalationStepOptions> Chain =
    [
        new() { After = TimeSpan.Zero, Notify = [EscalationTargets.OnCall] },
        new() { After = TimeSpan.FromMinutes(10), Notify = [EscalationTargets.NextOnCall, EscalationTargets.ClinicLead] },
    ];

    private static EscalationState State(params object[] later) => EscalationState.From(
    [
        new RequestMarkedUrgent("v1", ["intent"], Submitted),
        new ResponseDeadlinesSet(AcknowledgeBy, FirstContactBy, "urgent", Submitted),
        .. later,
    ]);

    [Fact]
    public void An_unmet_deadline_raises_step_one_at_the_deadline_with_its_targets()
    {
        var decision = EscalationRules.Decide(State(), DeadlineKinds.Acknowledge, 1, Chain, AcknowledgeBy);

        Assert.Equal(EscalationOutcome.Raise, decision.Outcome);
        Assert.Equal(AcknowledgeBy, decision.DueAt);
        Assert.Equal([EscalationTargets.OnCall], decision.Step!.Notify);
    }

    [Fact]
    public void Step_two_fires_its_delay_after_the_deadline_and_not_before()
    {
        var early = EscalationRules.Decide(State(), DeadlineKinds.Acknowledge, 2, Chain, AcknowledgeBy.AddMinutes(9));
        var due = EscalationRules.Decide(State(), DeadlineKinds.Acknowledge, 2, Chain, AcknowledgeBy.AddMinutes(10));

        Assert.Equal(EscalationOutcome.NotYetDue, early.Outcome);
        Assert.Equal(AcknowledgeBy.AddMinutes(10), early.FiresAt);
        Assert.Equal(EscalationOutcome.Raise, due.Outcome);
    }

    [Fact]
    public void An_acknowledgement_exactly_at_the_deadline_recorded_before_the_step_fires_meets_it()
    {
        var decision = EscalationRules.Decide(State(new RequestAcknowledged("sam", AcknowledgeBy)), DeadlineKinds.Acknowledge, 1, Chain, AcknowledgeBy);

        Assert.Equal(EscalationOutcome.DeadlineMet, decision.Outcome);
    }

    [Fact]
    public void An_acknowledgement_after_the_deadline_but_before_a_later_step_stops_the_chain()
    {
        var state = State(new EscalationRaised(DeadlineKinds.Acknowledge, 1, ["on-call@clinic.test"], AcknowledgeBy, AcknowledgeBy), new RequestAcknowledged("sam", AcknowledgeBy.AddMinutes(3)));

        Assert.Equal(EscalationOutcome.DeadlineMet, EscalationRules.Decide(state, DeadlineKinds.Acknowledge, 2, Chain, AcknowledgeBy.AddMinutes(10)).Outcome);
    }

    [Fact]
    public void Acknowledging_does_not_meet_the_first_contact_deadline_but_a_contact_attempt_meets_both()
    {
        var acknowledged = State(new RequestAcknowledged("sam", Submitted.AddMinutes(1)));
        var contacted = State(new ContactAttempted("no-answer", "sam", Submitted.AddMinutes(1)));

        Assert.Equal(EscalationOutcome.Raise, EscalationRules.Decide(acknowledged, DeadlineKinds.FirstContact, 1, Chain, FirstContactBy).Outcome);
        Assert.Equal(EscalationOutcome.DeadlineMet, EscalationRules.Decide(contacted, DeadlineKinds.FirstContact, 1, Chain, FirstContactBy).Outcome);
        Assert.Equal(EscalationOutcome.DeadlineMet, EscalationRules.Decide(contacted, DeadlineKinds.Acknowledge, 1, Chain, AcknowledgeBy).Outcome);
    }

    [Theory]
    [InlineData("declined")]
    [InlineData("closed")]
    [InlineData("scheduled")]
    public void Declining_closing_or_scheduling_a_call_meets_every_deadline(string action)
    {
        object fact = action switch
        {
            "declined" => new RequestDeclined("out of area", "sam", Submitted),
            "closed" => new RequestClosed("sam", Submitted),
            _ => new CallScheduled(Submitted.AddDays(1), "sam", Submitted),
        };

        foreach (var deadline in DeadlineKinds.All)
        {
            Assert.Equal(EscalationOutcome.DeadlineMet, EscalationRules.Decide(State(fact), deadline, 1, Chain, FirstContactBy.AddHours(1)).Outcome);
        }
    }

    [Fact]
    public void A_step_already_raised_is_not_raised_again()
    {
        var state = State(new EscalationRaised(DeadlineKinds.Acknowledge, 1, ["on-call@clinic.test"], AcknowledgeBy, AcknowledgeBy));

        Assert.Equal(EscalationOutcome.AlreadyRaised, EscalationRules.Decide(state, DeadlineKinds.Acknowledge, 1, Chain, AcknowledgeBy.AddSeconds(5)).Outcome);
        Assert.Equal(EscalationOutcome.Raise, EscalationRules.Decide(state, DeadlineKinds.FirstContact, 1, Chain, FirstContactBy).Outcome);
    }

    [Fact]
    public void Every_step_after_a_met_deadline_does_nothing()
    {
        var state = State(new RequestAcknowledged("sam", Submitted.AddMinutes(20)));

        Assert.All(
            Enumerable.Range(1, Chain.Count),
            step => Assert.Equal(EscalationOutcome.DeadlineMet, EscalationRules.Decide(state, DeadlineKinds.Acknowledge, step, Chain, AcknowledgeBy.AddHours(1)).Outcome));
    }

    [Fact]
    public void A_request_without_deadlines_or_a_step_beyond_the_chain_does_nothing()
    {
        var spam = EscalationState.From([new RequestMarkedUrgent("v1", ["intent"], Submitted)]);

        Assert.Equal(EscalationOutcome.NothingToDo, EscalationRules.Decide(spam, DeadlineKinds.Acknowledge, 1, Chain, AcknowledgeBy).Outcome);
        Assert.Equal(EscalationOutcome.NothingToDo, EscalationRules.Decide(State(), DeadlineKinds.Acknowledge, 3, Chain, AcknowledgeBy.AddDays(1)).Outcome);
        Assert.Equal(EscalationOutcome.NothingToDo, EscalationRules.Decide(State(), "call-back", 1, Chain, AcknowledgeBy).Outcome);
    }

    [Fact]
    public void Urgency_comes_from_the_events()
    {
        Assert.True(State().IsUrgent);
        Assert.False(EscalationState.From([new ResponseDeadlinesSet(AcknowledgeBy, FirstContactBy, "routine", Submitted)]).IsUrgent);
    }

    [Fact]
    public void Each_escalation_step_is_its_own_delivery_to_someone_already_alerted_about_the_arrival()
    {
        DeliverStaffAlert Alert(EscalationAlert? escalation) =>
            new(Guid.Empty, "KC-AAAAA-BBBBB", "ptsd", true, false, Submitted, "email", "on-call@clinic.test", null, escalation);

        var ids = new[]
        {
            Alert(null).DeliveryId,
            Alert(new EscalationAlert(DeadlineKinds.Acknowledge, 1, TimeSpan.FromMinutes(15), AcknowledgeBy)).DeliveryId,
            Alert(new EscalationAlert(DeadlineKinds.Acknowledge, 2, TimeSpan.FromMinutes(15), AcknowledgeBy)).DeliveryId,
            Alert(new EscalationAlert(DeadlineKinds.FirstContact, 1, TimeSpan.FromHours(1), FirstContactBy)).DeliveryId,
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(ids[1], Alert(new EscalationAlert(DeadlineKinds.Acknowledge, 1, TimeSpan.FromMinutes(15), AcknowledgeBy)).DeliveryId);
    }

    [Theory]
    [InlineData("acknowledge", "00:15:00", "Not acknowledged within 15 minutes")]
    [InlineData("first-contact", "01:00:00", "No contact attempt within 1 hour")]
    [InlineData("acknowledge", "00:00:02", "Not acknowledged within 2 seconds")]
    public void The_escalation_says_plainly_what_was_missed(string deadline, string within, string expected) =>
        Assert.Equal(expected, new EscalationAlert(deadline, 1, TimeSpan.Parse(within, System.Globalization.CultureInfo.InvariantCulture), Submitted).Summary);

    [Fact]
    public void A_configured_chain_replaces_the_default_one()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urgent:Escalation:0:After"] = "00:00:00",
            ["Urgent:Escalation:0:Notify:0"] = "on-call",
        }).Build();

        var options = configuration.Get<ResponsePolicyOptions>()!;
        options.FillListDefaults();

        Assert.Single(options.Urgent.Escalation);
        Assert.Equal(2, options.Routine.Escalation.Count);
        Assert.Equal(["on-call@clinic.invalid"], options.Fallback);
    }
}
