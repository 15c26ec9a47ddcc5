using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Clinic.Host.Accounts;

internal sealed partial class StaffSignInManager
{
    /// <summary>
    /// With single sign-on on and local passwords off, the password form refuses every account except the break-glass
    /// ones, with the same answer and the same password-hashing time as any other refusal (so it tells no names apart).
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(StaffAccount user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var sso = Context.RequestServices.GetRequiredService<IOptions<SingleSignOnOptions>>().Value;
        if (sso.RefusesLocalSignIn(user.UserName))
        {
            VerifyDecoy(password);
            return SignInResult.Failed;
        }

        return await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }
}
