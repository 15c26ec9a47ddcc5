namespace Clinic.Modules.Notifications.Contracts;

/// <summary>
/// The host asks for an e-mail to a staff member about their account: an invitation to enrol, or a password-reset
/// link. The link is a secret (whoever holds it may set the password until it expires or is used): it travels in
/// the message body only, never in headers, and is never logged. The address too is body-only.
/// </summary>
/// <param name="MailId">Identifies this e-mail: a redelivered message sends it once.</param>
/// <param name="Kind">"invitation" or "password-reset".</param>
/// <param name="LinkPath">The link's path and query on the site (Notifications puts its public base address in front).</param>
/// <param name="ExpiresAt">When the link stops working, to tell the person.</param>
public sealed record StaffAccountMailRequested(
    Guid MailId,
    string UserName,
    string EmailAddress,
    string Kind,
    string LinkPath,
    DateTimeOffset ExpiresAt);
