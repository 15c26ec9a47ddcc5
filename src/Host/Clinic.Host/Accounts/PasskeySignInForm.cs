namespace Clinic.Host.Accounts;

/// <summary>
/// What the passkey sign-in button needs to know about the page it is on. Its label does not start with "Sign in",
/// so the password form's "Sign in" button keeps a name of its own.
/// </summary>
internal sealed record PasskeySignInForm(string Label, bool SecondStep, string? ReturnUrl)
{
    public static PasskeySignInForm Passwordless(string? returnUrl) => new("Use a passkey", false, returnUrl);

    /// <summary>Step-up on /account/confirm: a passkey sign-in, which stamps a fresh second factor.</summary>
    public static PasskeySignInForm Confirmation(string? returnUrl) => new("Confirm with a passkey", false, returnUrl);

    public static PasskeySignInForm InsteadOfCode(string? returnUrl) => new("Use a passkey instead", true, returnUrl);
}
