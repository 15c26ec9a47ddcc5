using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

/// <summary>
/// Passkeys: registering one, and signing in with one, either on its own (passwordless) or as the second step after
/// a password. The WebAuthn checks are Identity's (<see cref="IPasskeyHandler{TUser}"/>); this adds the clinic's
/// rules: user verification is required, so a passkey is multi-factor and the account lands fully signed in;
/// disabled and locked accounts are refused; a failed passkey counts towards the account's lockout; every attempt is recorded.
/// </summary>
internal sealed partial class StaffSignInManager
{
    private IPasskeyHandler<StaffAccount> Passkeys => Context.RequestServices.GetRequiredService<IPasskeyHandler<StaffAccount>>();

    private PasskeyCeremonies Ceremonies => Context.RequestServices.GetRequiredService<PasskeyCeremonies>();

    /// <summary>An account with a passkey is asked for its second factor after a password, even without an authenticator app.</summary>
    public override async Task<bool> IsTwoFactorEnabledAsync(StaffAccount user) =>
        user.Passkeys.Count > 0 || await base.IsTwoFactorEnabledAsync(user);

    /// <summary>The options for <c>navigator.credentials.create()</c>, as JSON.</summary>
    public async Task<string> PasskeyCreationOptionsAsync(StaffAccount account)
    {
        var options = await Passkeys.MakeCreationOptionsAsync(new PasskeyUserEntity { Id = account.Id, Name = account.UserName, DisplayName = account.UserName }, Context);
        Ceremonies.Begin(Context, PasskeyCeremonies.Registration, options.AttestationState ?? "");
        return options.CreationOptionsJson;
    }

    /// <summary>Verifies the new credential and adds it to <paramref name="account"/>; false when it does not verify.</summary>
    public async Task<bool> AddPasskeyAsync(StaffAccount account, string credentialJson, string name)
    {
        var state = Ceremonies.Take(Context, PasskeyCeremonies.Registration);
        if (state is null || string.IsNullOrWhiteSpace(credentialJson))
        {
            return false;
        }

        var result = await Attempt(() => Passkeys.PerformAttestationAsync(new() { HttpContext = Context, CredentialJson = credentialJson, AttestationState = state }));
        if (result is not { Succeeded: true } || result.UserEntity.Id != account.Id)
        {
            return false;
        }

        result.Passkey.Name = name;
        return (await UserManager.AddOrUpdatePasskeyAsync(account, result.Passkey)).Succeeded;
    }

    /// <summary>The options for <c>navigator.credentials.get()</c>: any of the clinic's passkeys, or only <paramref name="account"/>'s on the second step.</summary>
    public async Task<string> PasskeyRequestOptionsAsync(StaffAccount? account)
    {
        var options = await Passkeys.MakeRequestOptionsAsync(account, Context);
        Ceremonies.Begin(Context, PasskeyCeremonies.SignIn, options.AssertionState ?? "");
        return options.RequestOptionsJson;
    }

    /// <summary>
    /// Signs in with the passkey in <paramref name="credentialJson"/>. On the second step <paramref name="expected"/>
    /// is the account whose password was given, and only its passkeys count.
    /// </summary>
    public async Task<(SignInResult Result, StaffAccount? Account)> PasskeySignInAsync(string credentialJson, StaffAccount? expected)
    {
        var journal = Context.RequestServices.GetRequiredService<ISignInJournal>();
        var (result, account, failure) = await PasskeySignInCoreAsync(credentialJson, expected);
        await journal.RecordAsync(new SignInAttempt(account?.Id, SignInMethods.Passkey, result.Succeeded, failure), Context.RequestAborted);
        return (Logged("passkey", result), account);
    }

    private async Task<(SignInResult, StaffAccount?, string?)> PasskeySignInCoreAsync(string credentialJson, StaffAccount? expected)
    {
        var state = Ceremonies.Take(Context, PasskeyCeremonies.SignIn);
        var named = expected ?? await AccountNamedBy(credentialJson);
        if (state is null || string.IsNullOrWhiteSpace(credentialJson))
        {
            return (SignInResult.Failed, named, "passkey-expired");
        }

        var assertion = await Attempt(() => Passkeys.PerformAssertionAsync(new() { HttpContext = Context, CredentialJson = credentialJson, AssertionState = state }));
        if (assertion is not { Succeeded: true } || (expected is not null && assertion.User.Id != expected.Id))
        {
            // Identity does not count a failed passkey; the clinic does, against the account the credential names.
            if (named is not null && await PreSignInCheck(named) is null)
            {
                await UserManager.AccessFailedAsync(named);
                if (await UserManager.IsLockedOutAsync(named))
                {
                    return (SignInResult.LockedOut, named, "locked-out");
                }
            }

            return (SignInResult.Failed, named, named is null ? "unknown-passkey" : "passkey-refused");
        }

        var account = assertion.User;
        if (await PreSignInCheck(account) is { } refused)
        {
            return (refused, account, refused.IsLockedOut ? "locked-out" : "disabled");
        }

        // Passwordless, a passkey is a local sign-in like a password: refused where local sign-in is off (the
        // second step after a break-glass password stays allowed).
        if (expected is null && Context.RequestServices.GetRequiredService<IOptions<SingleSignOnOptions>>().Value.RefusesLocalSignIn(account.UserName))
        {
            return (SignInResult.NotAllowed, account, "local-sign-in-off");
        }

        // The counter and backup flags the authenticator reported; a concurrency failure refuses this sign-in.
        if (!(await UserManager.AddOrUpdatePasskeyAsync(account, assertion.Passkey)).Succeeded)
        {
            return (SignInResult.Failed, account, "concurrency");
        }

        await ResetLockout(account);
        await Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        // "mfa": a user-verified passkey is possession plus PIN or biometrics; step-up checks read this.
        await SignInWithClaimsAsync(account, isPersistent: false, [new Claim("amr", "mfa"), new Claim("amr", "hwk")]);
        return (SignInResult.Success, account, null);
    }

    /// <summary>The account the credential in the browser's answer belongs to, read from its id (the answer is not yet verified).</summary>
    private async Task<StaffAccount?> AccountNamedBy(string credentialJson)
    {
        try
        {
            using var document = JsonDocument.Parse(credentialJson);
            return document.RootElement.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } key && StoredPasskey.CredentialIdOf(key) is { Length: > 0 } bytes
                ? await UserManager.FindByPasskeyIdAsync(bytes)
                : null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A malformed answer from the browser is a failed attempt, not an error page.</summary>
    private static async Task<T?> Attempt<T>(Func<Task<T>> verify)
        where T : class
    {
        try
        {
            return await verify();
        }
        catch (Exception exception) when (exception is PasskeyException or JsonException or FormatException)
        {
            return null;
        }
    }
}
