using Clinic.Host.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

public sealed class PasswordRulesTests
{
    [Theory]
    [InlineData("short", false)]
    [InlineData("eleven char", false)]
    [InlineData("twelve chars", true)]
    [InlineData("all lowercase and no digits at all", true)]
    public void Passwords_need_twelve_characters_and_nothing_about_their_composition(string password, bool acceptable) =>
        Assert.Equal(acceptable, PasswordRules.Check(password, "sam.staff") is null);

    [Theory]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("1QAZ2WSX3EDC")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    public void Common_breached_or_repetitive_passwords_are_refused_whatever_their_case(string password) =>
        Assert.Contains("common or breached", PasswordRules.Check(password, "sam.staff"), StringComparison.Ordinal);

    [Fact]
    public void A_password_containing_the_user_name_is_refused() =>
        Assert.Contains("user name", PasswordRules.Check("my name is Sam.Staff ok", "sam.staff"), StringComparison.Ordinal);

    [Fact]
    public void The_bundled_list_is_large_enough_to_matter()
    {
        // The list ships inside the host; a build that lost it would accept "password1234".
        Assert.NotNull(PasswordRules.Check("password1234", null));
        Assert.Null(PasswordRules.Check("violet kettle harbour", null));
    }

    [Fact]
    public async Task Identity_reports_the_rule_as_a_validation_error()
    {
        var result = await new PasswordRules().ValidateAsync(null!, new StaffAccount { UserName = "ada" }, "short");
        Assert.False(result.Succeeded);
        Assert.Contains("at least 12 characters", Assert.Single(result.Errors).Description, StringComparison.Ordinal);
    }
}

public sealed class StaffPasswordHashTests
{
    [Fact]
    public void A_hash_stored_before_identity_ran_sign_in_still_verifies()
    {
        // The accounts already used Identity's PasswordHasher format, so the hash format is kept as it is.
        var account = new StaffAccount { Id = "audrey", UserName = "audrey" };
        var stored = new PasswordHasher<StaffAccount>().HashPassword(account, "correct horse battery");

        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<StaffAccount>().VerifyHashedPassword(account, stored, "correct horse battery"));
        Assert.Equal(PasswordVerificationResult.Failed, new PasswordHasher<StaffAccount>().VerifyHashedPassword(account, stored, "wrong horse battery"));
    }

    [Fact]
    public void A_hash_with_fewer_iterations_verifies_and_asks_to_be_rehashed()
    {
        var account = new StaffAccount { Id = "audrey", UserName = "audrey" };
        var weaker = new PasswordHasher<StaffAccount>(Options.Create(new PasswordHasherOptions { IterationCount = 10_000 }));
        var stored = weaker.HashPassword(account, "correct horse battery");

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, new PasswordHasher<StaffAccount>().VerifyHashedPassword(account, stored, "correct horse battery"));
    }
}

public sealed class StaffUserStoreTests
{
    private static readonly StaffUserStore Store = new(null!);

    [Fact]
    public async Task Recovery_codes_are_stored_hashed_and_each_works_once()
    {
        var account = new StaffAccount { Id = "ada", UserName = "ada" };
        string[] codes = ["ABCDE-FGHJK", "LMNPQ-RSTUV", "WXYZ2-34567"];
        await Store.ReplaceCodesAsync(account, codes, default);

        Assert.DoesNotContain(account.RecoveryCodeHashes, hash => codes.Any(code => hash.Contains(code, StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(3, await Store.CountCodesAsync(account, default));
        Assert.True(await Store.RedeemCodeAsync(account, "lmnpq rstuv", default));
        Assert.False(await Store.RedeemCodeAsync(account, "LMNPQ-RSTUV", default));
        Assert.False(await Store.RedeemCodeAsync(account, "ZZZZZ-ZZZZZ", default));
        Assert.Equal(2, await Store.CountCodesAsync(account, default));
    }

    [Fact]
    public async Task New_recovery_codes_replace_the_old_ones()
    {
        var account = new StaffAccount { Id = "ada", UserName = "ada" };
        await Store.ReplaceCodesAsync(account, ["ABCDE-FGHJK"], default);
        await Store.ReplaceCodesAsync(account, ["LMNPQ-RSTUV"], default);

        Assert.False(await Store.RedeemCodeAsync(account, "ABCDE-FGHJK", default));
        Assert.True(await Store.RedeemCodeAsync(account, "LMNPQ-RSTUV", default));
    }

    [Fact]
    public async Task Roles_are_the_known_ones_whatever_case_identity_normalises_them_to()
    {
        var account = new StaffAccount { Id = "ada", UserName = "ada", Roles = ["Staff"] };
        await Store.AddToRoleAsync(account, "ADMIN", default);
        await Store.AddToRoleAsync(account, "STAFF", default);

        Assert.Equal(["Staff", "Admin"], await Store.GetRolesAsync(account, default));
        Assert.True(await Store.IsInRoleAsync(account, "ADMIN", default));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddToRoleAsync(account, "ROOT", default));
    }

    [Fact]
    public async Task The_normalised_name_sets_the_id_once_and_never_renames_an_account()
    {
        var account = new StaffAccount { UserName = "Ada.Admin" };
        await Store.SetNormalizedUserNameAsync(account, "ADA.ADMIN", default);
        await Store.SetNormalizedUserNameAsync(account, "SOMEONE.ELSE", default);

        Assert.Equal("ada.admin", account.Id);
        Assert.Equal("ADA.ADMIN", await Store.GetNormalizedUserNameAsync(account, default));
    }
}

public sealed class SecondFactorRequirementTests
{
    private static SecondFactorRequirement From(params (string Key, string Value)[] settings) =>
        SecondFactorRequirement.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Unset_or_none_requires_nobody()
    {
        Assert.False(From().AppliesTo(["Admin"]));
        Assert.False(From((SecondFactorRequirement.Key, "none")).AppliesTo(["Admin"]));
    }

    [Fact]
    public void All_requires_everyone() => Assert.True(From((SecondFactorRequirement.Key, "all")).AppliesTo(["Staff"]));

    [Fact]
    public void Roles_given_as_a_string_or_a_list_require_those_roles_only()
    {
        var fromString = From((SecondFactorRequirement.Key, "admin, Auditor"));
        var fromList = From(($"{SecondFactorRequirement.Key}:0", "Admin"), ($"{SecondFactorRequirement.Key}:1", "Auditor"));
        foreach (var requirement in new[] { fromString, fromList })
        {
            Assert.True(requirement.AppliesTo(["Staff", "Admin"]));
            Assert.True(requirement.AppliesTo(["Auditor"]));
            Assert.False(requirement.AppliesTo(["Staff"]));
        }
    }

    [Fact]
    public void An_unknown_value_stops_the_host_rather_than_requiring_less() =>
        Assert.Throws<InvalidOperationException>(() => From((SecondFactorRequirement.Key, "Admins")));
}
