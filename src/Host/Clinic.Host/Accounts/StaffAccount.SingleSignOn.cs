namespace Clinic.Host.Accounts;

internal sealed partial class StaffAccount
{
    /// <summary>The identity-provider logins linked to this account (single sign-on): provider and subject, never a token.</summary>
    public List<StaffLogin> Logins { get; set; } = [];
}

/// <summary>One external login: the authentication scheme and the provider's stable subject identifier for the person.</summary>
internal sealed class StaffLogin
{
    public string LoginProvider { get; set; } = "";

    public string ProviderKey { get; set; } = "";

    public string? ProviderDisplayName { get; set; }
}
