using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>The account's passkeys (WebAuthn credentials), verified by Identity's passkey handler and kept on the document.</summary>
internal sealed partial class StaffAccount
{
    public List<StoredPasskey> Passkeys { get; set; } = [];

    /// <summary>
    /// An authenticator app or a passkey: either satisfies the second-factor requirement. A passkey is itself
    /// multi-factor (something the person has, unlocked by the device's PIN or biometrics: user verification is required).
    /// </summary>
    public bool HasSecondFactor => TwoFactorEnabled || Passkeys.Count > 0;

    /// <summary>For admins and the command line: which second factors the account has.</summary>
    public string SecondFactorSummary => (TwoFactorEnabled, Passkeys.Count) switch
    {
        (true, 0) => "enrolled (authenticator app)",
        (true, _) => "enrolled (authenticator app, passkey)",
        (false, > 0) => "enrolled (passkey)",
        _ => "not enrolled",
    };
}

/// <summary>
/// One passkey as stored: Identity's <see cref="UserPasskeyInfo"/>, with the credential id as base64url text so a
/// sign-in can find its account with a document query. Public key and credential id identify, but are not secrets.
/// </summary>
internal sealed class StoredPasskey
{
    /// <summary>The credential id, base64url (no padding), as WebAuthn's JSON carries it.</summary>
    public string CredentialId { get; set; } = "";

    public byte[] PublicKey { get; set; } = [];

    /// <summary>What the person called it ("Work laptop"), so they can tell their passkeys apart.</summary>
    public string? Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public uint SignCount { get; set; }

    public string[]? Transports { get; set; }

    public bool IsUserVerified { get; set; }

    public bool IsBackupEligible { get; set; }

    public bool IsBackedUp { get; set; }

    public byte[] AttestationObject { get; set; } = [];

    public byte[] ClientDataJson { get; set; } = [];

    public static string KeyOf(byte[] credentialId) => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(credentialId);

    public static byte[]? CredentialIdOf(string key)
    {
        try
        {
            return Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(key);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static StoredPasskey From(UserPasskeyInfo passkey) => new()
    {
        CredentialId = KeyOf(passkey.CredentialId),
        PublicKey = passkey.PublicKey,
        Name = passkey.Name,
        CreatedAt = passkey.CreatedAt,
        SignCount = passkey.SignCount,
        Transports = passkey.Transports,
        IsUserVerified = passkey.IsUserVerified,
        IsBackupEligible = passkey.IsBackupEligible,
        IsBackedUp = passkey.IsBackedUp,
        AttestationObject = passkey.AttestationObject,
        ClientDataJson = passkey.ClientDataJson,
    };

    public UserPasskeyInfo ToInfo() => new(
        CredentialIdOf(CredentialId) ?? [], PublicKey, CreatedAt, SignCount, Transports, IsUserVerified, IsBackupEligible, IsBackedUp, AttestationObject, ClientDataJson)
    {
        Name = Name,
    };
}
