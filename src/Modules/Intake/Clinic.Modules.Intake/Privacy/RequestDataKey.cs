namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// A request's data key, wrapped under a master key, and its blind index: one row per request in the key schema
/// (<c>{Intake:Schema}_keys</c>), written in the same transaction as the request's first event. Deleting the row
/// erases the request's personal data (crypto-shredding) and its index entries together.
/// Public only for Marten's generated storage code.
/// </summary>
public sealed class RequestDataKey
{
    /// <summary>The request's id (its stream id).</summary>
    public Guid Id { get; set; }

    /// <summary>Which master key wrapped <see cref="WrappedKey"/>; rotation re-wraps under the active one.</summary>
    public string MasterKeyId { get; set; } = "";

    /// <summary>The data key under AES-GCM: nonce, ciphertext and tag, base64, joined by '.'.</summary>
    public string WrappedKey { get; set; } = "";

    /// <summary>HMAC-SHA256 of the normalised e-mail address under the blind-index key (hex).</summary>
    public string EmailIndex { get; set; } = "";

    /// <summary>HMAC-SHA256 of the normalised phone number under the blind-index key (hex).</summary>
    public string PhoneIndex { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
