using System.Net;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Accounts;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.EndToEndTests;

/// <summary>Removing a passkey ends the account's other sessions (one may have signed in with it), and keeps this one.</summary>
[Collection(ClinicCollection.Name)]
public sealed class PasskeyRemovalTests(ClinicFixture clinic)
{
    [Fact]
    public async Task Removing_a_passkey_ends_the_other_sessions_and_keeps_this_one()
    {
        await SessionsTests.AccountAsync(clinic, "rory.remove", "Staff", enrol: false);
        using var here = await SessionsTests.SignedInAsync(clinic, "rory.remove");
        using var elsewhere = await SessionsTests.SignedInAsync(clinic, "rory.remove");
        await using (var session = clinic.App.Services.GetRequiredService<IAccountsStore>().LightweightSession())
        {
            var account = await session.LoadAsync<StaffAccount>(StaffAccount.IdFor("rory.remove"));
            account!.Passkeys.Add(new StoredPasskey { CredentialId = "AAECAwQFBgcICQ", Name = "Lost phone", CreatedAt = DateTimeOffset.UtcNow, PublicKey = [1, 2, 3] });
            session.Store(account);
            await session.SaveChangesAsync();
        }

        var token = SessionsTests.AntiforgeryToken().Match(await here.GetStringAsync("/account/passkeys")).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["CredentialId"] = "AAECAwQFBgcICQ", ["__RequestVerificationToken"] = token });
        Assert.Equal(HttpStatusCode.Redirect, (await here.PostAsync("/account/passkeys?handler=Remove", form)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/account/passkeys")).StatusCode);
        var other = await elsewhere.GetAsync("/account/passkeys");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith("/account/login", other.Headers.Location!.AbsolutePathOf(clinic), StringComparison.Ordinal);
    }
}
