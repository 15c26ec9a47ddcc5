using System.Security.Cryptography;
using System.Text;
using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// AES-256-GCM from .NET, used twice: a data key encrypts one request's personal data, and a master key wraps each
/// data key. The associated data binds a ciphertext to its request and purpose, so one cannot be moved to another.
/// </summary>
internal static class Envelope
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static EncryptedPersonalData Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(associatedData));
        return new EncryptedPersonalData(Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    /// <exception cref="AuthenticationTagMismatchException">Wrong key, wrong associated data, or the ciphertext was altered.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, EncryptedPersonalData sealedData, string associatedData)
    {
        var ciphertext = Convert.FromBase64String(sealedData.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(Convert.FromBase64String(sealedData.Nonce), ciphertext, Convert.FromBase64String(sealedData.Tag), plaintext,
            Encoding.UTF8.GetBytes(associatedData));
        return plaintext;
    }

    /// <summary>What a request's contact details are bound to.</summary>
    public static string ContactPurpose(Guid requestId) => $"clinic/contact/{requestId:N}";

    /// <summary>What a staff note's text is bound to (the event's own id is not known before it is appended).</summary>
    public static string NotePurpose(Guid requestId) => $"clinic/note/{requestId:N}";

    /// <summary>What a wrapped data key is bound to: its request and the master key that wrapped it.</summary>
    public static string WrapPurpose(Guid requestId, string masterKeyId) => $"clinic/data-key/{requestId:N}/{masterKeyId}";
}
