using System.Net;
using System.Net.Sockets;

namespace Clinic.Host.Accounts;

/// <summary>
/// How sign-in records and sessions describe the client: the network, not the address (IPv4 /24, IPv6 /48), and
/// the browser family and operating system, not the User-Agent string. Enough for a person to recognise "my office,
/// Firefox on Windows" or to spot a stranger's sign-in; too coarse to single out a device or a home (the exact
/// address and the full User-Agent are personal data the record does not need).
/// </summary>
internal static class ClientDescription
{
    public static string Network(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown network";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return $"{new IPAddress(bytes)}/24";
        }

        Array.Clear(bytes, 6, bytes.Length - 6);
        return $"{new IPAddress(bytes)}/48";
    }

    /// <summary>"Firefox on Windows": the family and system only, never versions or the raw string.</summary>
    public static string Browser(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "unknown browser";
        }

        // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
        var family = Has(userAgent, "Edg/") ? "Edge"
            : Has(userAgent, "OPR/") ? "Opera"
            : Has(userAgent, "Firefox/") || Has(userAgent, "FxiOS/") ? "Firefox"
            : Has(userAgent, "Chrome/") || Has(userAgent, "Chromium/") || Has(userAgent, "CriOS/") ? "Chrome"
            : Has(userAgent, "Safari/") ? "Safari"
            : "another browser";
        var system = Has(userAgent, "Windows") ? "Windows"
            : Has(userAgent, "iPhone") || Has(userAgent, "iPad") ? "iOS"
            : Has(userAgent, "Mac OS X") || Has(userAgent, "Macintosh") ? "macOS"
            : Has(userAgent, "Android") ? "Android"
            : Has(userAgent, "CrOS") ? "ChromeOS"
            : Has(userAgent, "Linux") ? "Linux"
            : "another system";
        return $"{family} on {system}";
    }

    private static bool Has(string userAgent, string token) => userAgent.Contains(token, StringComparison.OrdinalIgnoreCase);
}
