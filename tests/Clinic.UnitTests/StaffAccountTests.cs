using Clinic.Host.Accounts;

namespace Clinic.UnitTests;

public sealed class StaffAccountTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static StaffAccount Account(string password = "correct horse battery")
    {
        var account = new StaffAccount { Id = "audrey", UserName = "audrey", Roles = ["Auditor"] };
        account.SetPassword(password);
        return account;
    }

    [Fact]
    public void The_right_password_signs_in_and_clears_earlier_failures()
    {
        var account = Account();
        Assert.False(account.TrySignIn("wrong password!", Now));

        Assert.True(account.TrySignIn("correct horse battery", Now));
        Assert.Equal(0, account.FailedSignIns);
    }

    [Fact]
    public void Five_failures_lock_the_account_even_against_the_right_password_until_the_lockout_ends()
    {
        var account = Account();
        for (var i = 0; i < StaffAccount.MaxFailedSignIns; i++)
        {
            Assert.False(account.TrySignIn("guess " + i, Now));
        }

        Assert.True(account.IsLockedOut(Now));
        Assert.False(account.TrySignIn("correct horse battery", Now.AddMinutes(14)));
        Assert.True(account.TrySignIn("correct horse battery", Now + StaffAccount.LockoutDuration + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_disabled_account_or_a_malformed_hash_never_signs_in()
    {
        var disabled = Account();
        disabled.Disabled = true;
        var broken = Account();
        broken.PasswordHash = "not-a-hash";

        Assert.False(disabled.TrySignIn("correct horse battery", Now));
        Assert.False(broken.TrySignIn("not-a-hash", Now));
    }

    [Fact]
    public void A_password_reset_unlocks_the_account_and_changes_its_security_stamp()
    {
        var account = Account();
        for (var i = 0; i < StaffAccount.MaxFailedSignIns; i++)
        {
            account.TrySignIn("guess " + i, Now);
        }

        var stamp = account.SecurityStamp;
        account.SetPassword("a brand new passphrase");

        Assert.False(account.IsLockedOut(Now));
        Assert.NotEqual(stamp, account.SecurityStamp);
        Assert.True(account.TrySignIn("a brand new passphrase", Now));
    }

    [Theory]
    [InlineData("short", false)]
    [InlineData("twelve chars", true)]
    public void Passwords_have_a_minimum_length(string password, bool acceptable) =>
        Assert.Equal(acceptable, StaffAccount.CheckPassword(password) is null);
}
