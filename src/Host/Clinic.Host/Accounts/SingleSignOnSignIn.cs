using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

/// <summary>
/// Turns the identity provider's answer into a clinic session. The account is found by its linked login (provider and
/// subject); without one, it is linked or created only when the configuration allows. Accounts are created only from a verified e-mail
/// address. Roles are recomputed from the mapped claim at every sign-in. Every attempt goes to the sign-in record, every creation, link and role change to
/// the account-change record (actor "single-sign-on").
/// </summary>
internal sealed class SingleSignOnSignIn(
    StaffSignInManager signIn,
    IOptions<SingleSignOnOptions> options,
    ISignInJournal signIns,
    IAccountChangeJournal changes)
{
    public const string Actor = "single-sign-on";

    public async Task<SingleSignOnOutcome> CompleteAsync(CancellationToken cancellationToken)
    {
        var sso = options.Value;
        var users = signIn.UserManager;
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null)
        {
            return await RefusedAsync(null, SingleSignOnRefusal.NotCompleted, cancellationToken);
        }

        var roles = sso.RolesFor(info.Principal);
        var account = await users.FindByLoginAsync(info.LoginProvider, info.ProviderKey);
        if (account is null)
        {
            var email = VerifiedEmail(info.Principal);
            var existing = email is null ? null : await users.FindByNameAsync(email);
            if (existing is not null && sso.LinkByEmail && !sso.IsBreakGlass(existing.UserName)
                && !existing.Logins.Any(login => login.LoginProvider == info.LoginProvider))
            {
                if (roles.Count == 0 || existing.Disabled)
                {
                    return await RefusedAsync(existing.Id, roles.Count == 0 ? SingleSignOnRefusal.NoMappedRole : SingleSignOnRefusal.Disabled, cancellationToken);
                }

                if (!(await users.AddLoginAsync(existing, info)).Succeeded)
                {
                    return await RefusedAsync(existing.Id, SingleSignOnRefusal.NotCompleted, cancellationToken);
                }

                await changes.RecordAsync(new AccountChangeEntry(Actor, existing.Id, "login-linked", info.ProviderDisplayName ?? info.LoginProvider), cancellationToken);
                account = existing;
            }
            else if (existing is not null)
            {
                return await RefusedAsync(null, SingleSignOnRefusal.NameTaken, cancellationToken);
            }
            else if (!sso.CreateAccounts)
            {
                return await RefusedAsync(null, SingleSignOnRefusal.NoAccount, cancellationToken);
            }
            else if (roles.Count == 0)
            {
                return await RefusedAsync(null, SingleSignOnRefusal.NoMappedRole, cancellationToken);
            }
            else if (email is null)
            {
                // A name the provider does not vouch for (preferred_username, an unverified address) could be anyone's.
                return await RefusedAsync(null, SingleSignOnRefusal.UnverifiedEmail, cancellationToken);
            }
            else
            {
                account = await CreateAsync(info, email, roles, cancellationToken);
                if (account is null)
                {
                    return await RefusedAsync(null, SingleSignOnRefusal.NoUsableName, cancellationToken);
                }
            }
        }

        if (account.Disabled)
        {
            return await RefusedAsync(account.Id, SingleSignOnRefusal.Disabled, cancellationToken);
        }

        if (roles.Count == 0)
        {
            return await RefusedAsync(account.Id, SingleSignOnRefusal.NoMappedRole, cancellationToken);
        }

        if (!account.Roles.Order(StringComparer.Ordinal).SequenceEqual(roles.Order(StringComparer.Ordinal)))
        {
            var before = string.Join(", ", account.Roles);
            account.Roles = [.. roles];
            if (!(await users.UpdateAsync(account)).Succeeded)
            {
                return await RefusedAsync(account.Id, SingleSignOnRefusal.NotCompleted, cancellationToken);
            }

            await changes.RecordAsync(new AccountChangeEntry(Actor, account.Id, "roles-changed", $"{before} -> {string.Join(", ", roles)}"), cancellationToken);
        }

        var providerDidSecondFactor = sso.SatisfiesSecondFactor(info.Principal);
        if (providerDidSecondFactor)
        {
            ProviderSecondFactor.MarkThisSignIn(signIn.Context, info.Principal.FindFirstValue("auth_time"));
        }

        var result = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: providerDidSecondFactor);
        if (result.RequiresTwoFactor)
        {
            // The local second factor completes the sign-in; that step records it.
            return new SingleSignOnOutcome(account, null, SecondFactorNeeded: true, providerDidSecondFactor);
        }

        if (!result.Succeeded)
        {
            return await RefusedAsync(account.Id, result.IsLockedOut ? SingleSignOnRefusal.LockedOut : SingleSignOnRefusal.Disabled, cancellationToken);
        }

        await signIns.RecordAsync(new SignInAttempt(account.Id, SignInMethods.SingleSignOn, true), cancellationToken);
        return new SingleSignOnOutcome(account, null, SecondFactorNeeded: false, providerDidSecondFactor);
    }

    private async Task<StaffAccount?> CreateAsync(ExternalLoginInfo info, string email, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var name = email;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsWhiteSpace) || name.StartsWith('-'))
        {
            return null;
        }

        var account = new StaffAccount { UserName = name.Trim(), Roles = [.. roles] };
        account.Logins.Add(new StaffLogin { LoginProvider = info.LoginProvider, ProviderKey = info.ProviderKey, ProviderDisplayName = info.ProviderDisplayName });
        if (!(await signIn.UserManager.CreateAsync(account)).Succeeded)
        {
            return null;
        }

        await changes.RecordAsync(new AccountChangeEntry(Actor, account.Id, "account-created", string.Join(", ", roles)), cancellationToken);
        return account;
    }

    /// <summary>The e-mail address, only when the provider vouches for it (email_verified); an unverified one links nothing.</summary>
    private static string? VerifiedEmail(ClaimsPrincipal person) =>
        person.FindFirstValue("email_verified") is { } verified && verified.Equals("true", StringComparison.OrdinalIgnoreCase)
            ? person.FindFirstValue("email")
            : null;

    private async Task<SingleSignOnOutcome> RefusedAsync(string? accountId, SingleSignOnRefusal refusal, CancellationToken cancellationToken)
    {
        await signIn.Context.SignOutAsync(IdentityConstants.ExternalScheme);
        await signIns.RecordAsync(new SignInAttempt(accountId, SignInMethods.SingleSignOn, false, refusal.Code), cancellationToken);
        return new SingleSignOnOutcome(null, refusal, SecondFactorNeeded: false, ProviderDidSecondFactor: false);
    }
}

internal sealed record SingleSignOnOutcome(StaffAccount? Account, SingleSignOnRefusal? Refusal, bool SecondFactorNeeded, bool ProviderDidSecondFactor);

/// <summary>Why a single sign-on was refused: a stable code for the sign-in record, and what the person is told.</summary>
internal sealed record SingleSignOnRefusal(string Code, string Message)
{
    public static readonly SingleSignOnRefusal NotCompleted = new("not-completed", "The sign-in with your organisation's account did not complete. Please try again.");
    public static readonly SingleSignOnRefusal NoMappedRole = new("no-mapped-role", "Your organisation's account is not in a group that has access to the clinic's staff or audit areas. Ask an administrator to add you to the right group.");
    public static readonly SingleSignOnRefusal NoAccount = new("no-account", "There is no clinic account for your organisation's account, and accounts are not created automatically. Ask an administrator to create one for you.");
    public static readonly SingleSignOnRefusal NameTaken = new("name-taken", "A clinic account with your name exists but is not linked to your organisation's account. Ask an administrator to link them.");
    public static readonly SingleSignOnRefusal NoUsableName = new("no-usable-name", "Your organisation's account did not give the clinic a usable name (a verified e-mail address). Ask an administrator.");
    public static readonly SingleSignOnRefusal UnverifiedEmail = new("unverified-email", "Your organisation's account has no verified e-mail address, so the clinic cannot create an account for it. Ask an administrator to create one for you, or to have your address verified.");
    public static readonly SingleSignOnRefusal Disabled = new("disabled", "This clinic account is disabled. Ask an administrator if you think it should not be.");
    public static readonly SingleSignOnRefusal LockedOut = new("locked-out", $"This clinic account is locked for {StaffAccount.LockoutDuration.TotalMinutes:0} minutes after repeated failed sign-ins.");
}
