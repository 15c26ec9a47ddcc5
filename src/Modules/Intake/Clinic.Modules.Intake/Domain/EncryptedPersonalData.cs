namespace Clinic.Modules.Intake.Domain;

/// <summary>
/// Personal data as stored in an event: AES-GCM ciphertext under the request's own data key (kept apart, in the
/// key table, so destroying that key makes this unreadable while the event, and its seal, stay as they are).
/// Base64 throughout, so the row stays JSON and hashes the same everywhere.
/// </summary>
public sealed record EncryptedPersonalData(string Nonce, string Ciphertext, string Tag);
