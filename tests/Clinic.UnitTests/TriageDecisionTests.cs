using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Triage;

namespace Clinic.UnitTests;

public sealed class TriageDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static TriageState Request(RequestStatus status = RequestStatus.New, bool spam = false) =>
        new(status, spam, AcknowledgedBy: status == RequestStatus.New ? null : "sam", AssignedTo: null, Version: 1);

    [Fact]
    public void Acknowledging_a_new_request_records_who_did_it()
    {
        var (fact, refusal) = TriageRules.Decide(Request(), new Acknowledge(), "sam.staff", Now);

        Assert.Null(refusal);
        Assert.Equal(new RequestAcknowledged("sam.staff", Now), fact);
    }

    [Fact]
    public void Acknowledging_twice_names_who_already_did()
    {
        var (fact, refusal) = TriageRules.Decide(Request(RequestStatus.Acknowledged), new Acknowledge(), "ada", Now);

        Assert.Null(fact);
        Assert.Equal("Already acknowledged by sam.", refusal);
    }

    [Fact]
    public void Acknowledging_a_request_already_being_contacted_says_so_without_naming_nobody()
    {
        var contacted = new TriageState(RequestStatus.Contacting, IsSuspectedSpam: false, AcknowledgedBy: null, AssignedTo: null, Version: 2);

        var (fact, refusal) = TriageRules.Decide(contacted, new Acknowledge(), "ada", Now);

        Assert.Null(fact);
        Assert.Equal("This request is already being worked on (a contact attempt or call is logged).", refusal);
    }

    [Theory]
    [InlineData(RequestStatus.Closed)]
    [InlineData(RequestStatus.Declined)]
    public void A_finished_request_takes_notes_only(RequestStatus status)
    {
        Assert.NotNull(TriageRules.Decide(Request(status), new Assign("ada"), "sam", Now).Refusal);
        Assert.NotNull(TriageRules.Decide(Request(status), new Close(), "sam", Now).Refusal);
        Assert.IsType<NoteAdded>(TriageRules.Decide(Request(status), new AddNote("Called back later"), "sam", Now).Event);
    }

    [Fact]
    public void Suspected_spam_must_be_cleared_before_it_is_worked_but_may_be_declined()
    {
        Assert.Contains("Not spam", TriageRules.Decide(Request(spam: true), new Acknowledge(), "sam", Now).Refusal, StringComparison.Ordinal);
        Assert.IsType<SpamCleared>(TriageRules.Decide(Request(spam: true), new ClearSpam(), "sam", Now).Event);
        Assert.IsType<RequestDeclined>(TriageRules.Decide(Request(spam: true), new Decline("Advertising"), "sam", Now).Event);
        Assert.NotNull(TriageRules.Decide(Request(), new ClearSpam(), "sam", Now).Refusal);
    }

    [Fact]
    public void A_request_declined_from_the_spam_folder_cannot_be_marked_not_spam()
    {
        // Clearing it would alert staff, and perhaps e-mail the visitor, about a request already declined.
        var declinedSpam = Request(RequestStatus.Declined, spam: true);

        var (fact, refusal) = TriageRules.Decide(declinedSpam, new ClearSpam(), "sam", Now);

        Assert.Null(fact);
        Assert.Equal("This request is declined; only notes can be added.", refusal);
    }

    [Fact]
    public void Calls_are_scheduled_in_the_future_and_contact_outcomes_come_from_the_list()
    {
        Assert.NotNull(TriageRules.Decide(Request(), new ScheduleCall(Now.AddMinutes(-1)), "sam", Now).Refusal);
        Assert.Equal(new CallScheduled(Now.AddDays(1), "sam", Now), TriageRules.Decide(Request(), new ScheduleCall(Now.AddDays(1)), "sam", Now).Event);
        Assert.NotNull(TriageRules.Decide(Request(), new LogContactAttempt("shouted"), "sam", Now).Refusal);
        Assert.IsType<ContactAttempted>(TriageRules.Decide(Request(), new LogContactAttempt("no-answer"), "sam", Now).Event);
    }

    [Fact]
    public void Empty_or_overlong_text_is_refused()
    {
        Assert.NotNull(TriageRules.Decide(Request(), new AddNote("  "), "sam", Now).Refusal);
        Assert.NotNull(TriageRules.Decide(Request(), new AddNote(new string('x', 2001)), "sam", Now).Refusal);
        Assert.NotNull(TriageRules.Decide(Request(), new Decline(""), "sam", Now).Refusal);
        Assert.NotNull(TriageRules.Decide(Request(), new Assign(" "), "sam", Now).Refusal);
    }

    [Fact]
    public void Evolving_through_the_events_moves_the_request_through_its_statuses()
    {
        var request = TriageState.Evolve(Request(), new RequestAcknowledged("sam", Now), 2);
        Assert.Equal((RequestStatus.Acknowledged, "sam"), (request.Status, request.AssignedTo));
        request = TriageState.Evolve(request, new ContactAttempted("no-answer", "sam", Now), 3);
        Assert.Equal(RequestStatus.Contacting, request.Status);
        request = TriageState.Evolve(request, new CallScheduled(Now.AddDays(1), "sam", Now), 4);
        request = TriageState.Evolve(request, new ContactAttempted("reached", "sam", Now), 5);
        Assert.Equal(RequestStatus.Scheduled, request.Status);
        request = TriageState.Evolve(request, new RequestClosed("sam", Now.AddDays(2)), 6);
        Assert.Equal((RequestStatus.Closed, 6L), (request.Status, request.Version));
    }

    [Fact]
    public void Delivery_reports_and_urgency_leave_the_decision_state_and_its_version_alone()
    {
        var seen = TriageState.Evolve(Request(), new RequestAcknowledged("sam", Now), 2);

        var later = TriageState.Evolve(seen, new StaffAlerted("email", "team@clinic.test", Now), 3);
        later = TriageState.Evolve(later, new NotificationFailed("sms", "on-call", "timeout", true, Now), 4);
        later = TriageState.Evolve(later, new RequestMarkedUrgent("v1", ["self-harm"], Now), 5);

        Assert.Equal(seen, later);
        Assert.Equal(6, TriageState.Evolve(later, new NoteAdded("Call after 6", "ada", Now), 6).Version);
    }
}
