namespace Clinic.Drills.Reliability;

/// <summary>What one scenario proved, in the numbers an operator checks.</summary>
/// <param name="Expected">Notifications owed: one e-mail and one webhook per acknowledged request.</param>
/// <param name="Notified">Of those, how many arrived (at least once).</param>
/// <param name="Duplicates">Notifications a recipient got twice as different messages (distinct delivery ids).</param>
/// <param name="ResentSameId">Repeats carrying the same delivery id (Message-ID, webhook-id): recognisable as one by the recipient.</param>
/// <param name="Refused">503 answers: the client was told plainly the request was not taken, and retried.</param>
/// <param name="Errors">Any other failed answer (5xx, or a 4xx a valid request should never get).</param>
internal sealed record ScenarioResult(
    string Name,
    string Title,
    string MustHold,
    int Offered,
    int Accepted,
    int Expected,
    int Notified,
    int Lost,
    int Duplicates,
    int ResentSameId,
    int Refused,
    int Errors,
    double Seconds,
    IReadOnlyList<string> Observations,
    IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;
}
