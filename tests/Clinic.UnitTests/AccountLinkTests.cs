using Clinic.Host.Accounts.Administration;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.AccountMail;
using Clinic.Modules.Notifications.Contracts;
using Microsoft.AspNetCore.WebUtilities;
using MimeKit;

namespace Clinic.UnitTests;

/// <summary>Invitation and reset links: 256 random bits, stored only as a hash, refused once used, revoked or expired; e-mailed in the body only.</summary>
public sealed class AccountLinkTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_is_256_random_bits_and_only_its_hash_is_kept()
    {
        var (token, link) = AccountLink.Issue("ivan", AccountLinkPurposes.Invitation, "ada.admin", Now, TimeSpan.FromHours(72));
        var (other, _) = AccountLink.Issue("ivan", AccountLinkPurposes.Invitation, "ada.admin", Now, TimeSpan.FromHours(72));

        Assert.Equal(32, WebEncoders.Base64UrlDecode(token).Length);
        Assert.NotEqual(token, other);
        Assert.Equal(64, link.Id.Length);
        Assert.Equal(AccountLink.HashOf(token), link.Id);
        Assert.DoesNotContain(token, System.Text.Json.JsonSerializer.Serialize(link), StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_is_open_until_it_expires_is_used_or_is_revoked()
    {
        var (_, link) = AccountLink.Issue("ivan", AccountLinkPurposes.Invitation, "ada.admin", Now, TimeSpan.FromHours(72));

        Assert.Equal(AccountLinkState.Open, link.StateAt(Now.AddHours(71)));
        Assert.Equal(AccountLinkState.Expired, link.StateAt(Now.AddHours(72)));
        link.RevokedAt = Now;
        Assert.Equal(AccountLinkState.Revoked, link.StateAt(Now));
        link.UsedAt = Now;
        Assert.Equal(AccountLinkState.Used, link.StateAt(Now));
    }

    [Fact]
    public void The_e_mail_carries_the_link_on_the_public_address_and_when_it_expires()
    {
        var request = new StaffAccountMailRequested(Guid.NewGuid(), "ivan.invited", "ivan@example.org", "invitation", "/account/set-password?token=abc_DEF-123", Now.AddHours(72));
        var message = StaffAccountMailRequestedConsumer.Compose(request, new NotificationsOptions { SiteBaseUrl = new Uri("https://clinic.example/") }, new MailboxAddress("Clinic", "no-reply@clinic.invalid"));

        var text = Assert.IsType<TextPart>(message.Body).Text;
        Assert.Contains("https://clinic.example/account/set-password?token=abc_DEF-123", text, StringComparison.Ordinal);
        Assert.Contains("Friday 4 December 2026, 07:00 Eastern Time (12:00 UTC)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Headers, h => h.Value.Contains("abc_DEF-123", StringComparison.Ordinal));
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
    }
}
