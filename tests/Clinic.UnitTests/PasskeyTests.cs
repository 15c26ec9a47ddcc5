using Clinic.Host.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Clinic.UnitTests;

public sealed class PasskeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly IDataProtector _protector = new EphemeralDataProtectionProvider().CreateProtector("test");

    [Fact]
    public void A_ceremony_state_comes_back_once_sealed_for_the_same_operation_within_five_minutes()
    {
        var sealedState = PasskeyCeremonies.Seal(_protector, PasskeyCeremonies.SignIn, "challenge-state", Now);

        Assert.Equal("challenge-state", PasskeyCeremonies.Unseal(_protector, sealedState, PasskeyCeremonies.SignIn, Now.AddMinutes(4)));
        Assert.DoesNotContain("challenge-state", sealedState, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ceremony_state_is_refused_for_another_operation_after_five_minutes_or_when_altered()
    {
        var sealedState = PasskeyCeremonies.Seal(_protector, PasskeyCeremonies.Registration, "challenge-state", Now);

        Assert.Null(PasskeyCeremonies.Unseal(_protector, sealedState, PasskeyCeremonies.SignIn, Now));
        Assert.Null(PasskeyCeremonies.Unseal(_protector, sealedState, PasskeyCeremonies.Registration, Now + PasskeyCeremonies.Lifetime));
        Assert.Null(PasskeyCeremonies.Unseal(_protector, sealedState[..^2] + "AA", PasskeyCeremonies.Registration, Now));
        Assert.Null(PasskeyCeremonies.Unseal(_protector, "not protected at all", PasskeyCeremonies.Registration, Now));
        Assert.Null(PasskeyCeremonies.Unseal(new EphemeralDataProtectionProvider().CreateProtector("test"), sealedState, PasskeyCeremonies.Registration, Now));
    }

    [Theory]
    [InlineData("https://clinic.example.org", false, "https", "clinic.example.org", true)]
    [InlineData("https://CLINIC.example.org", false, "https", "clinic.example.org", true)]
    [InlineData("https://localhost:5001", false, "https", "localhost:5001", true)]
    [InlineData("https://evil.example", false, "https", "clinic.example.org", false)]
    [InlineData("http://clinic.example.org", false, "https", "clinic.example.org", false)]
    [InlineData("https://clinic.example.org:8443", false, "https", "clinic.example.org", false)]
    [InlineData("https://clinic.example.org", true, "https", "clinic.example.org", false)]
    [InlineData("null", false, "https", "clinic.example.org", false)]
    [InlineData("https://", false, "https", "", false)]
    public void A_passkey_counts_only_when_used_on_the_site_itself_outside_any_other_sites_frame(string origin, bool crossOrigin, string scheme, string host, bool expected) =>
        Assert.Equal(expected, PasskeyOrigins.IsExpected(origin, crossOrigin, scheme, host));

    [Theory]
    [InlineData("  Work laptop ", "Work laptop")]
    [InlineData("Ключ <b>&amp;</b>", "Ключ <b>&amp;</b>")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    [InlineData("line\nbreak", null)]
    public void A_passkey_name_is_kept_as_typed_but_must_be_there_and_printable(string? typed, string? kept) =>
        Assert.Equal(kept, PasskeyNames.Clean(typed));

    [Fact]
    public void A_passkey_name_longer_than_sixty_characters_is_refused() =>
        Assert.Null(PasskeyNames.Clean(new string('k', PasskeysModel.MaxNameLength + 1)));

    [Fact]
    public async Task The_store_keeps_a_passkeys_name_when_a_sign_in_updates_its_counter_and_finds_it_by_credential_id()
    {
        var store = new StaffUserStore(null!);
        var account = new StaffAccount { Id = "pia", UserName = "pia" };
        var registered = Passkey([1, 2, 3], signCount: 0);
        registered.Name = "Work laptop";
        await store.AddOrUpdatePasskeyAsync(account, registered, CancellationToken.None);

        await store.AddOrUpdatePasskeyAsync(account, Passkey([1, 2, 3], signCount: 7), CancellationToken.None);

        var kept = Assert.Single(await store.GetPasskeysAsync(account, CancellationToken.None));
        Assert.Equal("Work laptop", kept.Name);
        Assert.Equal(7u, kept.SignCount);
        Assert.Equal([1, 2, 3], kept.CredentialId);
        Assert.NotNull(await store.FindPasskeyAsync(account, [1, 2, 3], CancellationToken.None));
        Assert.Null(await store.FindPasskeyAsync(account, [3, 2, 1], CancellationToken.None));
        Assert.True(account.HasSecondFactor);

        await store.RemovePasskeyAsync(account, [1, 2, 3], CancellationToken.None);
        Assert.Empty(account.Passkeys);
        Assert.False(account.HasSecondFactor);
    }

    private static UserPasskeyInfo Passkey(byte[] credentialId, uint signCount) =>
        new(credentialId, [9, 9], Now, signCount, ["internal"], isUserVerified: true, isBackupEligible: false, isBackedUp: false, [4], [5]);
}
