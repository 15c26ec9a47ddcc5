using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Clinic.Host.Accounts;

internal sealed class LogoutModel(StaffSignInManager signIn) : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        // Ends the session and any half-finished two-step sign-in.
        await signIn.SignOutAsync();
        return LocalRedirect("/");
    }
}
