using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Clinic.Modules.Notifications.Webhooks;

/// <summary>
/// How webhook bodies are signed, and how a receiver checks them:
///   X-Clinic-Timestamp: Unix seconds when sent.
///   X-Clinic-Signature: "v1=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
/// A receiver recomputes the signature, compares in constant time, and refuses timestamps outside its
/// replay window (five minutes by default), so a captured request cannot be replayed later.
/// </summary>
internal static class WebhookSignature
{
    public const string TimestampHeader = "X-Clinic-Timestamp";
    public const string SignatureHeader = "X-Clinic-Signature";
    public const string DeliveryIdHeader = "X-Clinic-Delivery-Id";
    public static readonly TimeSpan DefaultReplayWindow = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        byte[] message = [.. prefix, .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return "v1=" + Convert.ToHexStringLower(mac);
    }

    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? replayWindow = null)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || signature is null)
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > (replayWindow ?? DefaultReplayWindow))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
