using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Clinic.Host.Accounts.Administration;

/// <summary>
/// A single-use link that lets a person choose a password: an invitation (enrolment) or a password reset. The token
/// (256 random bits) is only in the e-mail; this document is keyed by its SHA-256, so a copy of the database gives no
/// working link. Used, revoked (a newer link for the same account) or expired, it is refused.
/// </summary>
public sealed class AccountLink
{
    /// <summary>Hex SHA-256 of the token.</summary>
    public string Id { get; set; } = "";

    public string AccountId { get; set; } = "";

    /// <summary>One of <see cref="AccountLinkPurposes"/>.</summary>
    public string Purpose { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    internal AccountLinkState StateAt(DateTimeOffset now) =>
        UsedAt is not null ? AccountLinkState.Used
        : RevokedAt is not null ? AccountLinkState.Revoked
        : now >= ExpiresAt ? AccountLinkState.Expired
        : AccountLinkState.Open;

    /// <summary>A new token (URL-safe) and its document; the token is returned once and never stored.</summary>
    internal static (string Token, AccountLink Link) Issue(string accountId, string purpose, string createdBy, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (token, new AccountLink
        {
            Id = HashOf(token),
            AccountId = accountId,
            Purpose = purpose,
            CreatedAt = now,
            CreatedBy = createdBy,
            ExpiresAt = now + lifetime,
        });
    }

    internal static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

internal static class AccountLinkPurposes
{
    public const string Invitation = "invitation";
    public const string PasswordReset = "password-reset";
}

internal enum AccountLinkState { Open, Used, Revoked, Expired, Unknown }
