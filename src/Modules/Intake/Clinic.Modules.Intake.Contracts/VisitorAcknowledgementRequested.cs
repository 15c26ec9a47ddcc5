namespace Clinic.Modules.Intake.Contracts;

/// <summary>
/// The visitor asked for an e-mail confirming their request. The address travels in the message body
/// only (never in headers), and the e-mail must carry no health details.
/// </summary>
/// <param name="ExpectContactBy">When the clinic promised to call (its first-contact deadline); absent in older messages.</param>
/// <param name="ExpectContactByText">The same in the clinic's time, ready to print: "Tuesday 1 December, 10:00 a.m. (Eastern Time)".</param>
public sealed record VisitorAcknowledgementRequested(
    Guid RequestId,
    string Reference,
    string FirstName,
    string EmailAddress,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? ExpectContactBy = null,
    string? ExpectContactByText = null);
