using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Intake.Triage;

namespace Clinic.UnitTests;

public sealed class RequestLifecycleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_contact_attempt_after_a_booked_call_leaves_it_scheduled()
    {
        Assert.Equal(RequestStatus.Scheduled, RequestLifecycle.StatusAfter(RequestStatus.Scheduled, new ContactAttempted("no-answer", "sam", At)));
        Assert.Equal(RequestStatus.Contacting, RequestLifecycle.StatusAfter(RequestStatus.Acknowledged, new ContactAttempted("no-answer", "sam", At)));
    }

    [Fact]
    public void The_inbox_the_request_page_and_the_decision_state_agree_on_the_status_after_any_history()
    {
        var submitted = new RequestSubmitted(Guid.NewGuid(), "KC-AAAAA-BBBBB",
            new ContactRequest("Ana", "Diaz", "ana@example.com", "555 010 3333", "phone", "ptsd", "morning", null, false), "t", "form", "f", At);
        object[] actions =
        [
            new RequestAcknowledged("sam", At), new CallScheduled(At.AddDays(1), "sam", At), new ContactAttempted("reached", "sam", At),
            new RequestDeclined("moved away", "sam", At),
        ];

        var inbox = InboxEntry.Create(submitted);
        var view = RequestView.Create(submitted);
        var state = TriageState.Create(submitted, 1)!;
        var version = 1;
        foreach (var action in actions)
        {
            Apply(inbox, action);
            Apply(view, action);
            state = TriageState.Evolve(state, action, ++version);
            Assert.Equal(state.Status, inbox.Status);
            Assert.Equal(state.Status, view.Status);
        }

        Assert.Equal(RequestStatus.Declined, state.Status);
    }

    private static void Apply(object readModel, object fact) =>
        readModel.GetType().GetMethod("Apply", [fact.GetType()])!.Invoke(readModel, [fact]);
}
