using System.Net;
using System.Security.Claims;
using Clinic.Host.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

public sealed class ClientDescriptionTests
{
    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("::ffff:198.51.100.9", "198.51.100.0/24")]
    [InlineData("2001:db8:abcd:12:34::1", "2001:db8:abcd::/48")]
    public void The_network_is_recorded_not_the_address(string address, string network) =>
        Assert.Equal(network, ClientDescription.Network(IPAddress.Parse(address)));

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on macOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("curl/8.5.0", "another browser on another system")]
    [InlineData("", "unknown browser")]
    public void The_browser_is_a_family_and_a_system_never_the_user_agent(string userAgent, string summary) =>
        Assert.Equal(summary, ClientDescription.Browser(userAgent));
}

public sealed class StepUpClaimTests
{
    [Fact]
    public void The_claim_round_trips_the_time_to_the_second()
    {
        var at = new DateTimeOffset(2026, 12, 1, 18, 0, 5, TimeSpan.Zero);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([StepUp.ClaimFor(at)], "test"));
        Assert.Equal(at, StepUp.LastSecondFactor(principal));
    }

    [Fact]
    public void Stamping_replaces_an_older_claim()
    {
        var claims = new List<Claim> { StepUp.ClaimFor(DateTimeOffset.UnixEpoch) };
        StepUp.Stamp(claims, DateTimeOffset.UnixEpoch.AddHours(1));
        Assert.Equal("3600", Assert.Single(claims, c => c.Type == StepUp.ClaimType).Value);
    }

    [Theory]
    [InlineData("mfa", true, true)]
    [InlineData("mfa", false, true)]
    [InlineData("pwd", false, true)]
    [InlineData("pwd", true, false)]
    public void A_second_factor_earns_the_claim_and_a_password_only_for_an_account_without_one(string amr, bool hasSecondFactor, bool earned) =>
        Assert.Equal(earned, StepUp.IsEarnedBy([new Claim("amr", amr)], new StaffAccount { TwoFactorEnabled = hasSecondFactor }));
}

public sealed class SingleUseAuthenticatorCodeTests
{
    private const string Key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    [Fact]
    public void The_matched_step_is_the_code_s_own_within_two_steps_either_side()
    {
        var now = DateTimeOffset.UtcNow;
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(Key));
        var step = now.ToUnixTimeSeconds() / 30;
        Assert.Equal(step, SingleUseAuthenticatorTokenProvider.MatchedStep(Key, totp.ComputeTotp(now.UtcDateTime), now));
        Assert.Equal(step - 2, SingleUseAuthenticatorTokenProvider.MatchedStep(Key, totp.ComputeTotp(now.UtcDateTime.AddSeconds(-60)), now));
        Assert.Null(SingleUseAuthenticatorTokenProvider.MatchedStep(Key, totp.ComputeTotp(now.UtcDateTime.AddMinutes(-10)), now));
    }

    [Theory]
    [InlineData(null, 100, true)]
    [InlineData(99L, 100, true)]
    [InlineData(100L, 100, false)]
    [InlineData(101L, 100, false)]
    public void Only_a_step_later_than_the_last_accepted_one_is_accepted(long? last, long step, bool accepted) =>
        Assert.Equal(accepted, SingleUseAuthenticatorTokenProvider.IsLaterThanLastUse(last, step));

    [Fact]
    public async Task A_code_is_accepted_once_and_then_neither_it_nor_an_earlier_one()
    {
        var store = new OneAccountStore(new StaffAccount { Id = "tess", UserName = "tess", AuthenticatorKey = Key });
        using var users = new UserManager<StaffAccount>(store, Options.Create(new IdentityOptions()), new PasswordHasher<StaffAccount>(), [], [], new UpperInvariantLookupNormalizer(), new IdentityErrorDescriber(), null!, Microsoft.Extensions.Logging.Abstractions.NullLogger<UserManager<StaffAccount>>.Instance);
        var provider = new SingleUseAuthenticatorTokenProvider(TimeProvider.System);
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(Key));
        var now = DateTime.UtcNow;

        Assert.True(await provider.ValidateAsync("TwoFactor", totp.ComputeTotp(now), users, store.Account));
        Assert.Equal(1, store.Updates);
        Assert.False(await provider.ValidateAsync("TwoFactor", totp.ComputeTotp(now), users, store.Account));
        Assert.False(await provider.ValidateAsync("TwoFactor", totp.ComputeTotp(now.AddSeconds(-30)), users, store.Account));
        Assert.True(await provider.ValidateAsync("TwoFactor", totp.ComputeTotp(now.AddSeconds(30)), users, store.Account));
    }

    private sealed class OneAccountStore(StaffAccount account) : IUserAuthenticatorKeyStore<StaffAccount>
    {
        public StaffAccount Account => account;

        public int Updates { get; private set; }

        public Task<string?> GetAuthenticatorKeyAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.AuthenticatorKey);

        public Task SetAuthenticatorKeyAsync(StaffAccount user, string key, CancellationToken cancellationToken) => Task.FromResult(user.AuthenticatorKey = key);

        public Task<IdentityResult> UpdateAsync(StaffAccount user, CancellationToken cancellationToken)
        {
            Updates++;
            return Task.FromResult(IdentityResult.Success);
        }

        public Task<string> GetUserIdAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

        public Task<string?> GetUserNameAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

        public Task<string?> GetNormalizedUserNameAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.Id.ToUpperInvariant());

        public Task SetUserNameAsync(StaffAccount user, string? userName, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SetNormalizedUserNameAsync(StaffAccount user, string? normalizedName, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IdentityResult> CreateAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(IdentityResult.Success);

        public Task<IdentityResult> DeleteAsync(StaffAccount user, CancellationToken cancellationToken) => Task.FromResult(IdentityResult.Success);

        public Task<StaffAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken) => Task.FromResult<StaffAccount?>(account);

        public Task<StaffAccount?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) => Task.FromResult<StaffAccount?>(account);

        public void Dispose()
        {
        }
    }
}
