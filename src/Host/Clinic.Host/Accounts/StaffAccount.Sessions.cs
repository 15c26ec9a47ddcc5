namespace Clinic.Host.Accounts;

internal sealed partial class StaffAccount
{
    /// <summary>
    /// The RFC 6238 time step of the last authenticator code accepted: a code is accepted once, and never one of an
    /// equal or earlier step (<see cref="SingleUseAuthenticatorTokenProvider"/>), so a code seen over a shoulder or
    /// captured by a phishing page is spent.
    /// </summary>
    public long? LastAuthenticatorTimeStep { get; set; }
}
