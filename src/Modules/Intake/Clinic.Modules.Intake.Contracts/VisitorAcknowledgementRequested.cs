namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// The visitor asked for an e-mail confirming their request. The address travels in the message body
/// only (never in headers), and the e-mail must carry no health details.
/// </summary>
public sealed record VisitorAcknowledgementRequested(
    Guid RequestId,
    string Reference,
    string FirstName,
    string EmailAddress,
    DateTimeOffset SubmittedAt);
