using System.Security.Claims;
using Clinic.Host.Accounts;
using Microsoft.Extensions.Configuration;

namespace Clinic.UnitTests;

public sealed class SingleSignOnOptionsTests
{
    private static readonly SingleSignOnOptionsValidator Validator = new();

    private static SingleSignOnOptions Valid() => new()
    {
        Authority = "https://login.example.org/tenant/v2.0",
        ClientId = "clinic",
        ClientSecret = "from-the-secret-store",
        RoleClaim = "groups",
        RoleMap = [new() { Claim = "admins", Role = "Admin" }, new() { Claim = "staff", Role = "Staff" }, new() { Claim = "compliance", Role = "Auditor" }],
    };

    private static ClaimsPrincipal Person(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Fact]
    public void Roles_come_from_the_mapped_claim_values_only_and_in_the_clinics_order()
    {
        var options = Valid();
        Assert.Equal([StaffRoles.Staff, StaffRoles.Admin], options.RolesFor(Person(("groups", "admins"), ("groups", "staff"), ("groups", "everyone"))));
        Assert.Empty(options.RolesFor(Person(("groups", "everyone"))));
        // Another claim with a mapped value grants nothing: only the configured role claim counts.
        Assert.Empty(options.RolesFor(Person(("roles", "admins"))));
        // Claim values are compared exactly: a group named "Admins" is not "admins".
        Assert.Empty(options.RolesFor(Person(("groups", "Admins"))));
    }

    [Fact]
    public void A_mapping_names_roles_in_any_case_and_two_values_may_give_the_same_role()
    {
        var options = Valid();
        options.RoleMap.Add(new() { Claim = "clinicians", Role = "staff" });
        Assert.Equal([StaffRoles.Staff], options.RolesFor(Person(("groups", "clinicians"), ("groups", "staff"))));
    }

    [Theory]
    [InlineData(false, new string[0], false)]
    [InlineData(false, new[] { "pwd" }, false)]
    [InlineData(false, new[] { "pwd", "mfa" }, true)]
    [InlineData(false, new[] { "pwd", "otp" }, true)]
    [InlineData(false, new[] { "hwk" }, true)]
    [InlineData(true, new[] { "pwd" }, true)]
    public void The_providers_sign_in_counts_as_the_second_factor_only_when_its_amr_says_so_or_the_clinic_trusts_it(bool trust, string[] amr, bool satisfies)
    {
        var options = Valid();
        options.TrustProviderMfa = trust;
        Assert.Equal(satisfies, options.SatisfiesSecondFactor(Person([.. amr.Select(value => ("amr", value))])));
    }

    [Fact]
    public void Single_sign_on_is_off_without_an_authority_and_then_needs_nothing_else() =>
        Assert.True(Validator.Validate(null, new SingleSignOnOptions()).Succeeded);

    [Fact]
    public void A_complete_configuration_is_accepted() => Assert.True(Validator.Validate(null, Valid()).Succeeded);

    [Theory]
    [InlineData("Authority", "http://login.example.org/", "Accounts:SingleSignOn:Authority must use https")]
    [InlineData("Authority", "not a url", "Accounts:SingleSignOn:Authority must be")]
    [InlineData("ClientId", "", "Accounts:SingleSignOn:ClientId is empty")]
    [InlineData("ClientSecret", " ", "Accounts:SingleSignOn:ClientSecret is empty")]
    [InlineData("RoleClaim", "", "Accounts:SingleSignOn:RoleClaim is empty")]
    public void A_missing_or_unsafe_setting_stops_the_start_naming_its_key(string key, string value, string message)
    {
        var options = Valid();
        typeof(SingleSignOnOptions).GetProperty(key)!.SetValue(options, value);
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_accepted_only_for_a_loopback_provider()
    {
        var options = Valid();
        options.Authority = "http://127.0.0.1:4711";
        Assert.True(Validator.Validate(null, options).Succeeded);
        options.Authority = "http://localhost:4711";
        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void An_unknown_role_or_an_empty_map_is_refused()
    {
        var options = Valid();
        options.RoleMap.Add(new() { Claim = "owners", Role = "Owner" });
        Assert.Contains("Accounts:SingleSignOn:RoleMap:3:Role 'Owner' is not one of", Validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);
        options.RoleMap.Clear();
        Assert.Contains("Accounts:SingleSignOn:RoleMap is empty", Validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_passwords_go_off_only_with_a_break_glass_account_and_single_sign_on_on()
    {
        var options = Valid();
        options.LocalPasswords = false;
        Assert.Contains("Accounts:SingleSignOn:BreakGlassAccounts is empty", Validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);
        options.BreakGlassAccounts.Add("ada.admin");
        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.True(options.IsBreakGlass("Ada.Admin"));
        Assert.False(options.IsBreakGlass("sam.staff"));

        var off = new SingleSignOnOptions { LocalPasswords = false, BreakGlassAccounts = ["ada.admin"] };
        Assert.Contains("Accounts:SingleSignOn:LocalPasswords is false but Accounts:SingleSignOn:Authority is empty", Validator.Validate(null, off).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_binds_from_the_keys_the_readme_documents()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Accounts:SingleSignOn:Authority"] = "https://idp.example.org",
            ["Accounts:SingleSignOn:RoleMap:0:Claim"] = "admins",
            ["Accounts:SingleSignOn:RoleMap:0:Role"] = "Admin",
            ["Accounts:SingleSignOn:BreakGlassAccounts:0"] = "ada.admin",
            ["Accounts:SingleSignOn:LocalPasswords"] = "false",
        }).Build();
        var options = configuration.GetSection(SingleSignOnOptions.Section).Get<SingleSignOnOptions>()!;
        Assert.True(options.Enabled);
        Assert.False(options.LocalPasswords);
        Assert.Equal("admins", Assert.Single(options.RoleMap).Claim);
        Assert.Equal(["ada.admin"], options.BreakGlassAccounts);
    }
}

public sealed class SingleSignOnLocalSignInTests
{
    [Fact]
    public void With_local_sign_in_off_only_break_glass_accounts_may_sign_in_without_the_provider()
    {
        var off = new SingleSignOnOptions { Authority = "https://login.example.org", LocalPasswords = false, BreakGlassAccounts = ["ada.admin"] };
        Assert.True(off.RefusesLocalSignIn("sam.staff"));
        Assert.False(off.RefusesLocalSignIn("Ada.Admin"));

        var on = new SingleSignOnOptions { Authority = "https://login.example.org", LocalPasswords = true };
        Assert.False(on.RefusesLocalSignIn("sam.staff"));
        // Without single sign-on there is nothing else to sign in with.
        Assert.False(new SingleSignOnOptions { LocalPasswords = false }.RefusesLocalSignIn("sam.staff"));
    }
}

public sealed class ProviderSecondFactorTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public void The_step_up_time_is_the_providers_auth_time_when_it_is_within_the_window()
    {
        var authTime = Now.AddMinutes(-3).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Now.AddMinutes(-3), ProviderSecondFactor.StepUpTime(authTime, Now, Window));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-time")]
    public void No_step_up_time_without_a_readable_auth_time(string? authTime) =>
        Assert.Null(ProviderSecondFactor.StepUpTime(authTime, Now, Window));

    [Fact]
    public void No_step_up_time_when_the_providers_sign_in_is_older_than_the_window()
    {
        var hoursAgo = Now.AddHours(-3).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Null(ProviderSecondFactor.StepUpTime(hoursAgo, Now, Window));
    }
}
