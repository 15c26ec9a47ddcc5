namespace Clinic.Modules.Notifications.Contracts;

/// <summary>Staff were told about a request through one channel, to one recipient.</summary>
/// <param name="Escalation">Set when this was an escalation step rather than the alert about the request's arrival.</param>
public sealed record StaffNotified(
    Guid RequestId,
    string Reference,
    string Channel,
    string Recipient,
    DateTimeOffset NotifiedAt,
    EscalationStep? Escalation = null);

/// <summary>Which escalation an alert was: the missed deadline ("acknowledge", "first-contact") and the chain's step (1-based).</summary>
public sealed record EscalationStep(string Deadline, int Step);
