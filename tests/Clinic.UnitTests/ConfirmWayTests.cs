using Clinic.Host.Accounts;

namespace Clinic.UnitTests;

/// <summary>Step-up asks for the strongest factor the account has: a password alone only where there is no second factor.</summary>
public sealed class ConfirmWayTests
{
    private static readonly SingleSignOnOptions NoSingleSignOn = new();

    private static SingleSignOnOptions SingleSignOnWithoutLocalPasswords() =>
        new() { Authority = "https://idp.example", LocalPasswords = false, BreakGlassAccounts = ["ada.admin"] };

    [Fact]
    public void An_authenticator_app_is_asked_for_first() =>
        Assert.Equal(ConfirmWay.Authenticator, ConfirmModel.WayFor(new StaffAccount { TwoFactorEnabled = true, Passkeys = [new StoredPasskey()] }, hasPassword: true, NoSingleSignOn));

    [Fact]
    public void An_account_with_only_a_passkey_confirms_with_the_passkey_not_its_password() =>
        Assert.Equal(ConfirmWay.Passkey, ConfirmModel.WayFor(new StaffAccount { Passkeys = [new StoredPasskey()] }, hasPassword: true, NoSingleSignOn));

    [Fact]
    public void An_account_of_the_identity_provider_signs_in_there_again() =>
        Assert.Equal(ConfirmWay.SingleSignOn, ConfirmModel.WayFor(new StaffAccount { Logins = [new StaffLogin { LoginProvider = "oidc", ProviderKey = "s1" }] }, hasPassword: true, SingleSignOnWithoutLocalPasswords()));

    [Fact]
    public void The_password_confirms_only_an_account_without_a_second_factor_and_only_where_local_passwords_are_allowed()
    {
        Assert.Equal(ConfirmWay.Password, ConfirmModel.WayFor(new StaffAccount { UserName = "sam" }, hasPassword: true, NoSingleSignOn));
        Assert.Equal(ConfirmWay.None, ConfirmModel.WayFor(new StaffAccount { UserName = "sam" }, hasPassword: false, NoSingleSignOn));
        Assert.Equal(ConfirmWay.None, ConfirmModel.WayFor(new StaffAccount { UserName = "sam" }, hasPassword: true, SingleSignOnWithoutLocalPasswords()));
        Assert.Equal(ConfirmWay.Password, ConfirmModel.WayFor(new StaffAccount { UserName = "ada.admin" }, hasPassword: true, SingleSignOnWithoutLocalPasswords()));
    }
}
