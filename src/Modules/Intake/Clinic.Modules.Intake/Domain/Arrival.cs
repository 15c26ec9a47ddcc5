namespace Clinic.Modules.Intake.Domain;

/// <summary>
/// How a request arrived, from its first event, whichever kind that is: the one place that knows a
/// request starts either as a submission or as suspected spam, and that older events held the visitor's
/// details in plain text (<paramref name="Plaintext"/>) where newer ones hold them encrypted (<paramref name="Personal"/>).
/// </summary>
/// <param name="Fingerprint">The hash of the submitted values that tells a resubmission from a different request.</param>
internal sealed record Arrival(
    Guid RequestId,
    string Reference,
    string ConditionSlug,
    bool WantsAcknowledgement,
    ContactRequest? Plaintext,
    EncryptedPersonalData? Personal,
    DateTimeOffset At,
    bool SuspectedSpam,
    string Fingerprint)
{
    /// <summary>The arrival an event records, or null for any later event.</summary>
    public static Arrival? Of(object data) => data switch
    {
        RequestSubmitted s => new Arrival(s.RequestId, s.Reference, s.ConditionSlug ?? s.Request?.ConditionSlug ?? "",
            s.Request?.WantsAcknowledgement ?? s.WantsAcknowledgement, s.Request, s.Personal, s.SubmittedAt, false, s.Fingerprint),
        SuspectedSpamReceived s => new Arrival(s.RequestId, s.Reference, s.ConditionSlug ?? s.Request?.ConditionSlug ?? "",
            s.Request?.WantsAcknowledgement ?? s.WantsAcknowledgement, s.Request, s.Personal, s.ReceivedAt, true, s.Fingerprint),
        _ => null,
    };

    /// <summary>The arrival at the start of a request's history.</summary>
    public static Arrival In(IEnumerable<JasperFx.Events.IEvent> history) =>
        history.Select(e => Of(e.Data)).FirstOrDefault(a => a is not null)
        ?? throw new InvalidOperationException("The stream does not start with a request.");

    /// <summary>The condition asked about, in clear in every version of the arrival events.</summary>
    public static string Condition(RequestSubmitted e) => e.ConditionSlug ?? e.Request?.ConditionSlug ?? "";

    /// <inheritdoc cref="Condition(RequestSubmitted)"/>
    public static string Condition(SuspectedSpamReceived e) => e.ConditionSlug ?? e.Request?.ConditionSlug ?? "";
}
