using Clinic.Host.Accounts;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

public sealed class ConfiguredAccountsTests
{
    private static ConfiguredAccounts Accounts(params ConfiguredUser[] users) =>
        new(new StaticOptions(new AccountsOptions { Users = [.. users] }));

    [Fact]
    public void The_right_password_signs_in_with_the_configured_roles()
    {
        var accounts = Accounts(new ConfiguredUser
        {
            UserName = "audrey",
            PasswordHash = ConfiguredAccounts.HashPassword("correct horse battery staple"),
            Roles = ["Auditor"],
        });

        var principal = accounts.SignIn("Audrey", "correct horse battery staple", "test");

        Assert.NotNull(principal);
        Assert.Equal("audrey", principal.Identity!.Name);
        Assert.True(principal.IsInRole("Auditor"));
        Assert.False(principal.IsInRole("Admin"));
    }

    [Fact]
    public void A_wrong_password_an_unknown_user_or_a_malformed_hash_is_refused()
    {
        var accounts = Accounts(
            new ConfiguredUser { UserName = "audrey", PasswordHash = ConfiguredAccounts.HashPassword("right") },
            new ConfiguredUser { UserName = "broken", PasswordHash = "not-a-hash" },
            new ConfiguredUser { UserName = "empty", PasswordHash = "" });

        Assert.Null(accounts.SignIn("audrey", "wrong", "test"));
        Assert.Null(accounts.SignIn("nobody", "right", "test"));
        Assert.Null(accounts.SignIn("broken", "not-a-hash", "test"));
        Assert.Null(accounts.SignIn("empty", "", "test"));
    }

    private sealed class StaticOptions(AccountsOptions value) : IOptionsMonitor<AccountsOptions>
    {
        public AccountsOptions CurrentValue => value;

        public AccountsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AccountsOptions, string?> listener) => null;
    }
}
