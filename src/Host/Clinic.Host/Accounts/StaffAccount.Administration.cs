namespace Clinic.Host.Accounts;

/// <summary>What account administration adds to the account: where its invitation and reset links are sent.</summary>
internal sealed partial class StaffAccount
{
    /// <summary>The e-mail address enrolment and password-reset links go to; none for accounts made on the command line.</summary>
    public string? Email { get; set; }

    /// <summary>Invited and not yet enrolled: no password has been chosen through the invitation link.</summary>
    public bool IsPendingInvitation => string.IsNullOrEmpty(PasswordHash) && !string.IsNullOrEmpty(Email);
}
