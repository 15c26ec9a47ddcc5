using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;

namespace Clinic.Host.Accounts;

/// <summary>
/// Setting up the second factor: an authenticator app (TOTP, RFC 6238) scans the QR code or takes the key by
/// hand, a first code confirms it, and ten recovery codes are shown once. Reachable by an account that must
/// enrol before anything else (<see cref="AccessPolicies.SignedIn"/>).
/// </summary>
[Authorize(Policy = AccessPolicies.SignedIn)]
internal sealed class TwoFactorModel(StaffSignInManager signIn, TimeProvider time, IConfiguration configuration) : PageModel
{
    private const string Issuer = "Clinic staff";

    [BindProperty]
    public string? Code { get; set; }

    public bool Enabled { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>The key as a person types it: Base32 in groups of four.</summary>
    public string ManualKey { get; private set; } = "";

    /// <summary>The QR code of the otpauth URI, as a PNG data URI (no outside service sees the key).</summary>
    public string QrCodeDataUri { get; private set; } = "";

    /// <summary>Shown once, right after the authenticator is confirmed; only their hashes are stored.</summary>
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];

    public string? Error { get; private set; }

    public bool MustEnrol => User.HasClaim(claim => claim.Type == StaffClaimsFactory.MustEnrolClaim);

    public async Task<IActionResult> OnGetAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        if (MustConfirmFirst(account))
        {
            return Redirect(StepUp.ConfirmUrl("/account/two-factor"));
        }

        await LoadAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var account = await signIn.UserManager.GetUserAsync(User);
        if (account is null)
        {
            return Challenge();
        }

        if (account.TwoFactorEnabled)
        {
            // Already set up: replacing it is a separate, explicit reset (users reset-second-factor).
            await LoadAsync(account);
            return Page();
        }

        if (MustConfirmFirst(account))
        {
            return Redirect(StepUp.ConfirmUrl("/account/two-factor"));
        }

        var code = new string([.. (Code ?? "").Where(char.IsAsciiDigit)]);
        var users = signIn.UserManager;
        if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(account, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            Error = "That code does not match. Check that the app shows the account just added, and enter the newest code it shows.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(account);
            return Page();
        }

        NewRecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(account, RecoveryCodes.Count) ?? []];
        var enabled = await users.SetTwoFactorEnabledAsync(account, true);
        if (!enabled.Succeeded)
        {
            Error = "The second factor could not be saved. Please try again.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            NewRecoveryCodes = [];
            await LoadAsync(account);
            return Page();
        }

        // The stamp changed: a fresh session cookie, and without the enrolment claim.
        await signIn.RefreshSignInAsync(account);
        Enabled = true;
        RecoveryCodesLeft = NewRecoveryCodes.Count;
        return Page();
    }

    /// <summary>An authenticator added to an account that already has a second factor (a passkey) needs that factor recently.</summary>
    private bool MustConfirmFirst(StaffAccount account) =>
        !account.TwoFactorEnabled && !StepUpRecency.MayAddSignInMethod(account, User, time, configuration);

    private async Task LoadAsync(StaffAccount account)
    {
        var users = signIn.UserManager;
        Enabled = account.TwoFactorEnabled;
        if (Enabled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(account);
            return;
        }

        var key = await users.GetAuthenticatorKeyAsync(account);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(account);
            key = await users.GetAuthenticatorKeyAsync(account);
            // Making the key renewed the security stamp; keep this session valid.
            await signIn.RefreshSignInAsync(account);
        }

        ManualKey = Grouped(key!);
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(account.UserName)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    private static string Grouped(string key)
    {
        var grouped = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            grouped.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return grouped.ToString().TrimEnd().ToLowerInvariant();
    }
}
