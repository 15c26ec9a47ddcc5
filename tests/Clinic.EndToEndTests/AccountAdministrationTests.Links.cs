using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Clinic.Host.Accounts.Administration;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Links stay single: concurrent "send a new link" leaves one open link, and command-line changes revoke open ones.</summary>
public sealed partial class AccountAdministrationTests
{
    [Fact]
    public async Task Concurrent_new_link_requests_leave_exactly_one_open_link_and_the_others_are_told_of_the_conflict()
    {
        // An account with an e-mail address and no open link (its invitation used long ago).
        await using (var session = clinic.App.Services.GetRequiredService<IAccountsStore>().LightweightSession())
        {
            session.Store(new StaffAccount { Id = StaffAccount.IdFor("cleo.concurrent"), UserName = "cleo.concurrent", Email = UniqueAddress("cleo"), Roles = ["Staff"], PasswordHash = "not-a-real-hash" });
            await session.SaveChangesAsync();
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var scope = clinic.App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AccountAdministration>().SendPasswordLinkAsync(ClinicFixture.AdminUserName, "cleo.concurrent", CancellationToken.None);
        }));

        Assert.All(outcomes, o => Assert.True(o.Succeeded || o.Error!.StartsWith("Someone changed", StringComparison.Ordinal), o.Error));
        Assert.Contains(outcomes, o => o.Succeeded);
        await using var query = clinic.App.Services.GetRequiredService<IAccountsStore>().QuerySession();
        var open = await query.Query<AccountLink>().Where(l => l.AccountId == "cleo.concurrent" && l.UsedAt == null && l.RevokedAt == null).ToListAsync();
        Assert.Single(open);
    }

    [Fact]
    public async Task Command_line_password_reset_and_disabling_revoke_the_e_mailed_links()
    {
        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var resetEmail = UniqueAddress("carl");
        var disabledEmail = UniqueAddress("dana");
        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "carl.cli"), new("Email", resetEmail), new("Roles", "Staff")])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AdminPostAsync(admin, "/staff/accounts/invite", [new("UserName", "dana.cli"), new("Email", disabledEmail), new("Roles", "Staff")])).StatusCode);
        var resetLink = LinkIn(await AccountMailAsync(clinic, resetEmail, "choose a password"));
        var disabledLink = LinkIn(await AccountMailAsync(clinic, disabledEmail, "choose a password"));

        await SessionsTests.UsersAsync(clinic, ["reset-password", "carl.cli"], Passphrase);
        await SessionsTests.UsersAsync(clinic, ["disable", "dana.cli"], "");
        await SessionsTests.UsersAsync(clinic, ["enable", "dana.cli"], "");

        using var person = clinic.CreateBrowser();
        Assert.Equal(HttpStatusCode.Gone, (await person.GetAsync(resetLink)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await PostLinkAsync(person, resetLink, "another fine passphrase", "another fine passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await person.GetAsync(disabledLink)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await PostLinkAsync(person, disabledLink, "another fine passphrase", "another fine passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.PostFormAsync("/account/login", new() { ["UserName"] = "dana.cli", ["Password"] = "another fine passphrase" })).StatusCode);
    }
}
