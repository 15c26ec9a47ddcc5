using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// The one way into a visitor's personal data: reading it, finding a person's requests, and making it unreadable.
/// Erasure, retention and subject-access exports use only this, so how the data is kept (encrypted under a data
/// key per request) stays behind it.
/// </summary>
internal interface IPersonalData
{
    /// <summary>The visitor's details as submitted, or null when the request's personal data has been erased.</summary>
    Task<ContactRequest?> ReadAsync(Guid requestId, CancellationToken cancellationToken);

    /// <summary>The requests whose visitor gave this e-mail address or phone number (compared normalised), oldest first.</summary>
    Task<IReadOnlyList<Guid>> FindRequestsAsync(string? email, string? phone, CancellationToken cancellationToken);

    /// <summary>Makes the request's personal data unreadable wherever it is stored encrypted. Idempotent.</summary>
    Task DestroyKeyAsync(Guid requestId, CancellationToken cancellationToken);
}
