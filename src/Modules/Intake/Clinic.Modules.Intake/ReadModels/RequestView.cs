using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Triage;

namespace Clinic.Modules.Intake.ReadModels;

/// <summary>
/// A request as the staff page shows it (where it stands, who was told and whose alert failed), and as the
/// auditor's "as of" view rebuilds it. The visitor's details are not here: they stay in the first event.
/// </summary>
public sealed class RequestView
{
    public Guid Id { get; set; }

    public string Reference { get; set; } = "";

    public string ConditionSlug { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public bool IsSuspectedSpam { get; set; }

    public bool IsUrgent { get; set; }

    public RequestStatus Status { get; set; }

    public string? AssignedTo { get; set; }

    public DateTimeOffset? ScheduledFor { get; set; }

    public List<Delivery> Deliveries { get; set; } = [];

    public List<Failure> Failures { get; set; } = [];

    /// <summary>Each escalation step raised because a deadline passed unmet, oldest first.</summary>
    public List<Escalation> Escalations { get; set; } = [];

    /// <summary>The stream version this view reflects (set by Marten).</summary>
    public long Version { get; set; }

    public static RequestView Create(RequestSubmitted e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = Arrival.Condition(e), SubmittedAt = e.SubmittedAt };

    public static RequestView Create(SuspectedSpamReceived e) =>
        new() { Id = e.RequestId, Reference = e.Reference, ConditionSlug = Arrival.Condition(e), SubmittedAt = e.ReceivedAt, IsSuspectedSpam = true };

    public void Apply(RequestMarkedUrgent e) => IsUrgent = true;

    public void Apply(RequestAcknowledged e) => (Status, AssignedTo) = (RequestLifecycle.StatusAfter(Status, e), AssignedTo ?? e.By);

    public void Apply(RequestAssigned e) => AssignedTo = e.To;

    public void Apply(ContactAttempted e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(CallScheduled e) => (Status, ScheduledFor) = (RequestLifecycle.StatusAfter(Status, e), e.For);

    public void Apply(RequestDeclined e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(RequestClosed e) => Status = RequestLifecycle.StatusAfter(Status, e);

    public void Apply(SpamCleared e) => IsSuspectedSpam = false;

    /// <summary>
    /// A note changes nothing shown here, but Marten updates a view (and its <see cref="Version"/>) only for
    /// the events it applies: without this the stored version would trail the stream after a note.
    /// </summary>
    public void Apply(NoteAdded e)
    {
    }

    /// <summary>Shown through <see cref="Escalations"/>; applied for the same reason as <see cref="NoteAdded"/> besides.</summary>
    public void Apply(ResponseDeadlinesSet e)
    {
    }

    public void Apply(EscalationRaised e) => Escalations.Add(new Escalation(e.Deadline, e.Step, [.. e.Recipients], e.DueAt, e.RaisedAt));

    public void Apply(StaffAlerted e) => Deliveries.Add(new Delivery(e.Channel, e.Recipient, e.NotifiedAt, e.Deadline, e.Step));

    public void Apply(NotificationFailed e) => Failures.Add(new Failure(e.Channel, e.Recipient, e.Reason, e.Final, e.FailedAt));

    public bool HasFailure(string channel, string recipient, bool final) =>
        Failures.Exists(f => f.Channel == channel && f.Final == final && string.Equals(f.Recipient, recipient, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether this alert was recorded: the arrival alert when its deadline is null, else that escalation step's.</summary>
    public bool WasNotified(StaffAlerted alert) => Deliveries.Exists(d => IsSameAlert(alert, d.Channel, d.Recipient, d.Deadline, d.Step));

    /// <summary>Whether two reports are of one alert, by the rule <see cref="WasNotified"/> applies to the recorded ones.</summary>
    public static bool IsSameAlert(StaffAlerted alert, StaffAlerted other) => IsSameAlert(alert, other.Channel, other.Recipient, other.Deadline, other.Step);

    /// <summary>An alert is one per channel, recipient (whatever the case of the address) and escalation step.</summary>
    private static bool IsSameAlert(StaffAlerted alert, string channel, string recipient, string? deadline, int? step) =>
        alert.Channel == channel && string.Equals(alert.Recipient, recipient, StringComparison.OrdinalIgnoreCase)
            && alert.Deadline == deadline && alert.Step == step;

    /// <param name="Deadline">Null for the alert about the request's arrival; else the escalation it belonged to.</param>
    public sealed record Delivery(string Channel, string Recipient, DateTimeOffset At, string? Deadline = null, int? Step = null);

    public sealed record Escalation(string Deadline, int Step, IReadOnlyList<string> Recipients, DateTimeOffset DueAt, DateTimeOffset RaisedAt);

    public sealed record Failure(string Channel, string Recipient, string Reason, bool Final, DateTimeOffset At);
}
