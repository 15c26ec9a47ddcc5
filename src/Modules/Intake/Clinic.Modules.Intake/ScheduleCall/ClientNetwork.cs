using System.Net;
using System.Net.Sockets;

namespace Clinic.Modules.Intake.ScheduleCall;

/// <summary>
/// One client as the network shows it: an IPv4 address, or an IPv6 /64 (one household or device gets a whole
/// /64). The same key as the host's rate limiter (a unit test holds the two to it): modules cannot reference the host.
/// </summary>
internal static class ClientNetwork
{
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? Convert.ToHexString(address.GetAddressBytes(), 0, 8) + "::/64"
            : address.ToString();
    }
}
