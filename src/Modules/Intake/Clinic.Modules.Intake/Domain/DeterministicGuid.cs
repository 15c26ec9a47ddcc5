using System.Security.Cryptography;
using System.Text;

namespace Clinic.Modules.Intake.Domain;

/// <summary>Name-based ids (UUIDv5-style, over SHA-256): the same scope and key always give the same id.</summary>
internal static class DeterministicGuid
{
    private static readonly byte[] Namespace = Guid.Parse("6c1f3a52-8f0e-4c57-9d0a-5b8f6f1f4d2e").ToByteArray();

    public static Guid From(string scope, string key)
    {
        var hash = SHA256.HashData([.. Namespace, .. Encoding.UTF8.GetBytes($"{scope}:{key}")]);
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
