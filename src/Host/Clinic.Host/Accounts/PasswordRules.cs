using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace Clinic.Host.Accounts;

/// <summary>
/// Passwords as NIST SP 800-63B asks: at least <see cref="MinimumLength"/> characters, no composition rules,
/// and refused when on the bundled list of common and breached passwords (common-passwords.txt; the host has
/// no internet at run time), when made of one repeated character, or when containing the user name. Used by
/// every path that sets a password, since they all go through Identity's UserManager.
/// </summary>
internal sealed class PasswordRules : IPasswordValidator<StaffAccount>
{
    public const int MinimumLength = 12;

    /// <summary>Long enough for any passphrase; beyond it, hashing is only work for an attacker's benefit.</summary>
    public const int MaximumLength = 256;

    private static readonly Lazy<FrozenSet<string>> Common = new(LoadCommonPasswords);

    public Task<IdentityResult> ValidateAsync(UserManager<StaffAccount> manager, StaffAccount user, string? password) =>
        Task.FromResult(Check(password, user.UserName) is { } problem
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordRefused", Description = problem })
            : IdentityResult.Success);

    /// <summary>Why the password is refused, in words for the person choosing it; null when it is fine.</summary>
    public static string? Check(string? password, string? userName)
    {
        password ??= "";
        if (password.Length < MinimumLength)
        {
            return $"Passwords need at least {MinimumLength} characters. A few unrelated words make a good one.";
        }

        if (password.Length > MaximumLength)
        {
            return $"Passwords can have at most {MaximumLength} characters.";
        }

        var folded = password.ToLowerInvariant();
        if (Common.Value.Contains(folded) || folded.Distinct().Count() == 1)
        {
            return "That password is on a list of common or breached passwords, which attackers try first. Choose another.";
        }

        if (userName is { Length: >= 3 } && folded.Contains(userName.Trim().ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "A password cannot contain the user name.";
        }

        return null;
    }

    private static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(PasswordRules).Assembly.GetManifestResourceStream("Clinic.Host.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var entries = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                entries.Add(line.ToLowerInvariant());
            }
        }

        return entries.ToFrozenSet(StringComparer.Ordinal);
    }
}
