using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;

namespace Clinic.EndToEndTests;

public sealed partial class AccountAdministrationTests
{
    [Fact]
    public async Task An_admin_requires_a_second_factor_of_a_role_and_its_signed_in_accounts_must_enrol_at_their_next_request()
    {
        await AddAsync("stella.staff", "Staff");
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        using var stella = await SignInAsync("stella.staff");
        Assert.Equal(HttpStatusCode.OK, (await stella.GetAsync("/staff")).StatusCode);
        try
        {
            var noRole = await AdminPostAsync(admin, "/staff/accounts/second-factor", [new("Rule", "roles")]);
            Assert.Equal(HttpStatusCode.BadRequest, noRole.StatusCode);
            Assert.Contains("Choose at least one role", await noRole.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await stella.GetAsync("/staff")).StatusCode);

            var set = await AdminPostAsync(admin, "/staff/accounts/second-factor", [new("Rule", "roles"), new("Roles", "Staff")]);
            Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);

            var refused = await stella.GetAsync("/staff");
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal(AccountsExtensions.EnrolmentPath, refused.Headers.Location?.OriginalString);
            Assert.Contains($"Set by {ClinicFixture.AdminUserName}", await admin.GetStringAsync("/staff/accounts/second-factor"), StringComparison.Ordinal);
            var changes = await admin.GetStringAsync($"/staff/accounts/changes?account={Uri.EscapeDataString(SecondFactorPolicy.EveryAccount)}");
            Assert.Contains("second-factor-rule-changed", changes, StringComparison.Ordinal);
            Assert.Contains("required of Staff", changes, StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/second-factor", [], "configured")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await stella.GetAsync("/staff")).StatusCode);
    }
}
