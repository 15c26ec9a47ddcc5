using System.Security.Cryptography;

namespace Clinic.Modules.Intake.Domain;

/// <summary>
/// Human-friendly request references like "KC-7F3KQ-9XDMA": easy to read aloud on the phone
/// (Crockford base32: no I, L, O or U), unguessable (50 random bits), and unique (enforced by an index).
/// </summary>
internal static class ReferenceNumber
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return $"KC-{chars[..5]}-{chars[5..]}";
    }

    public static bool LooksLikeReference(string value) =>
        value.Length == 14 && value.StartsWith("KC-", StringComparison.Ordinal) && value[8] == '-';
}
