namespace Clinic.Host.Accounts;

/// <summary>
/// Where every sign-in attempt is recorded: whose, by which method, whether it worked. The implementation adds the
/// client network and browser from the current request, so callers pass only what they know.
/// </summary>
internal interface ISignInJournal
{
    Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken);
}

/// <param name="AccountId">The account the attempt named, when there is one (an unknown name is recorded without it).</param>
/// <param name="Method">One of <see cref="SignInMethods"/>.</param>
/// <param name="Failure">Why it failed (for example "wrong-password", "locked-out"); null when it succeeded.</param>
internal sealed record SignInAttempt(string? AccountId, string Method, bool Succeeded, string? Failure = null);

internal static class SignInMethods
{
    public const string Password = "password";
    public const string Authenticator = "authenticator";
    public const string RecoveryCode = "recovery-code";
    public const string Passkey = "passkey";
    public const string SingleSignOn = "single-sign-on";
    public const string Invitation = "invitation";
}

/// <summary>Where every change to an account is recorded: who changed what for whom (admins read it).</summary>
internal interface IAccountChangeJournal
{
    Task RecordAsync(AccountChangeEntry change, CancellationToken cancellationToken);
}

/// <param name="Actor">The account that made the change, or "system" / "command-line".</param>
/// <param name="AccountId">The account changed.</param>
/// <param name="Change">What changed, a short stable name (for example "roles-changed", "passkey-added").</param>
/// <param name="Detail">Optional non-secret detail (for example the new roles); never a password, code or key.</param>
internal sealed record AccountChangeEntry(string Actor, string AccountId, string Change, string? Detail = null);

/// <summary>Until the journals are stored, recording is a no-op (replaced by the stored journals).</summary>
internal sealed class UnrecordedAccountJournals : ISignInJournal, IAccountChangeJournal
{
    public Task RecordAsync(SignInAttempt attempt, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordAsync(AccountChangeEntry change, CancellationToken cancellationToken) => Task.CompletedTask;
}
