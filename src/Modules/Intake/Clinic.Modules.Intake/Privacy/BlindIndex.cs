using System.Security.Cryptography;
using System.Text;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Keyed hashes of a visitor's e-mail address and phone number, so staff can find a person's requests without
/// decrypting every request, and without the index telling anyone without the key what it holds.
/// </summary>
internal sealed class BlindIndex(byte[] key)
{
    public string Email(string email) => Hash("email", NormaliseEmail(email));

    public string Phone(string phone) => Hash("phone", NormalisePhone(phone));

    /// <summary>A keyed hash of a whole submission, to tell a resubmission from a different request.</summary>
    public string Fingerprint(string canonical) => Hash("fingerprint", canonical);

    /// <summary>Trimmed and lower-cased: people type their address in any case.</summary>
    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Digits only, keeping a leading '+': "+1 (555) 010-3333" and "+15550103333" are one number.</summary>
    public static string NormalisePhone(string phone)
    {
        var trimmed = phone.Trim();
        var digits = new string([.. trimmed.Where(char.IsAsciiDigit)]);
        return trimmed.StartsWith('+') ? "+" + digits : digits;
    }

    private string Hash(string kind, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{kind}:{value}")));
}
