using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Clinic.Modules.Notifications.Webhooks;

/// <summary>
/// Signs deliveries as the Standard Webhooks specification does (symmetric "v1"), so any of its
/// verifier libraries can check them:
///   webhook-id: the stable delivery id (a repeat carries the same one);
///   webhook-timestamp: Unix seconds when sent;
///   webhook-signature: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)), one per
///   signing secret, space-separated, where the key is the base64-decoded part of "whsec_…" (several
///   secrets while one is being rotated out).
/// </summary>
internal static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";

    // The specification's bounds for a symmetric signing secret.
    public const int MinimumKeyBytes = 24;
    public const int MaximumKeyBytes = 64;

    public const string HowToGenerate = "generate one with: echo \"whsec_$(openssl rand -base64 32)\"";

    /// <summary>Why a configured secret cannot be used, or null if it can. Never repeats the secret.</summary>
    public static string? Problem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return $"is missing; {HowToGenerate}";
        }

        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return $"must be a Standard Webhooks secret, '{SecretPrefix}' followed by the base64 of {MinimumKeyBytes} to {MaximumKeyBytes} random bytes (plain passwords are not accepted); {HowToGenerate}";
        }

        var encoded = secret[SecretPrefix.Length..];
        var key = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, key, out var length))
        {
            return $"is not valid base64 after '{SecretPrefix}'; {HowToGenerate}";
        }

        return length is < MinimumKeyBytes or > MaximumKeyBytes
            ? $"decodes to {length} bytes, but a signing secret must be {MinimumKeyBytes} to {MaximumKeyBytes} bytes; {HowToGenerate}"
            : null;
    }

    /// <summary>The HMAC key of a secret that <see cref="Problem"/> accepted.</summary>
    public static byte[] Key(string secret) => Convert.FromBase64String(secret[SecretPrefix.Length..]);

    /// <summary>The webhook-signature header value: one "v1,…" per secret, current secret first.</summary>
    public static string Sign(IEnumerable<string> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        byte[] signed = [.. Encoding.UTF8.GetBytes(id + "." + timestamp.ToString(CultureInfo.InvariantCulture) + "."), .. body];
        var signatures = secrets.Select(secret => "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), signed))).ToList();
        // Svix-derived .NET verifiers (the StandardWebhooks package 1.1.2 among them) never check the last of
        // several signatures (svix/svix-webhooks#2393). Repeating the first at the end is still a valid list, and
        // lets a relay running one of them verify with any of the secrets during a rotation.
        if (signatures.Count > 1)
        {
            signatures.Add(signatures[0]);
        }

        return string.Join(' ', signatures);
    }
}
