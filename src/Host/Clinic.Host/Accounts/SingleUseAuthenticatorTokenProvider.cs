using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Clinic.Host.Accounts;

/// <summary>
/// Identity's authenticator codes, each usable once: Identity accepts a code for any of five 30-second steps around
/// now, however often it is given. This accepts what Identity accepts, then only for a step later than the last
/// accepted one (<see cref="StaffAccount.LastAuthenticatorTimeStep"/>), stored before the answer is given; a
/// concurrent second use of the same code loses on the account document's version.
/// </summary>
internal sealed class SingleUseAuthenticatorTokenProvider(TimeProvider time) : AuthenticatorTokenProvider<StaffAccount>
{
    /// <summary>Identity's window: two steps either side of now.</summary>
    private static readonly VerificationWindow Window = new(previous: 2, future: 2);

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffAccount> manager, StaffAccount user)
    {
        if (!await base.ValidateAsync(purpose, token, manager, user))
        {
            return false;
        }

        var key = await manager.GetAuthenticatorKeyAsync(user);
        var step = MatchedStep(key!, token, time.GetUtcNow());
        if (step is null || !IsLaterThanLastUse(user.LastAuthenticatorTimeStep, step.Value))
        {
            return false;
        }

        user.LastAuthenticatorTimeStep = step;
        return (await manager.UpdateAsync(user)).Succeeded;
    }

    /// <summary>The time step a code belongs to, within Identity's window around <paramref name="now"/>; null if none.</summary>
    public static long? MatchedStep(string base32Key, string code, DateTimeOffset now) =>
        new Totp(Base32Encoding.ToBytes(base32Key)).VerifyTotp(now.UtcDateTime, code, out var step, Window) ? step : null;

    public static bool IsLaterThanLastUse(long? lastStep, long step) => lastStep is null || step > lastStep;
}
