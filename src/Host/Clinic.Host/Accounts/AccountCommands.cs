using System.Globalization;
using System.Security.Cryptography;

namespace Clinic.Host.Accounts;

/// <summary>
/// The operator's account commands, run from the host binary:
///   users add NAME --role ROLE [--role ROLE]   the password is read from standard input; none given, one is generated and shown once
///   users reset-password NAME                  likewise; also unlocks the account and ends its sessions
///   users reset-second-factor NAME             removes the authenticator and recovery codes (a password reset never does)
///   users disable NAME | users enable NAME     disabling ends the account's sessions at their next request
///   users list
/// Passwords never go on the command line, where shell history and process lists would keep them.
/// </summary>
internal static class AccountCommands
{
    public static async Task<int> RunAsync(AccountStore accounts, IReadOnlyList<string> args, TextReader input, TextWriter output, TextWriter error)
    {
        var verb = args.ElementAtOrDefault(0);
        var name = args.ElementAtOrDefault(1) ?? "";
        string? problem;
        switch (verb)
        {
            case "add":
                var roles = args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--role").Select(a => args.ElementAtOrDefault(a.i + 1) ?? "").ToList();
                var (password, generated) = await PasswordAsync(input);
                problem = await accounts.CreateAsync(name, password, roles);
                await ReportAsync(problem, $"Created {name} ({string.Join(", ", roles)}).", generated ? password : null);
                break;
            case "reset-password":
                (password, generated) = await PasswordAsync(input);
                problem = await accounts.ResetPasswordAsync(name, password);
                await ReportAsync(problem, $"Reset the password of {name}; it is unlocked and its sessions are ended.", generated ? password : null);
                break;
            case "reset-second-factor":
                problem = await accounts.ResetSecondFactorAsync(name);
                await ReportAsync(problem, $"Removed the second factor of {name}; its sessions are ended.", null);
                break;
            case "disable" or "enable":
                problem = await accounts.SetDisabledAsync(name, verb == "disable");
                await ReportAsync(problem, $"{(verb == "disable" ? "Disabled" : "Enabled")} {name}.", null);
                break;
            case "list":
                problem = null;
                foreach (var account in await accounts.ListAsync())
                {
                    var state = account.Disabled ? "disabled" : account.IsPendingInvitation ? "pending invite" : accounts.IsLockedOut(account) ? $"locked until {account.LockedUntil:u}" : "active";
                    var secondFactor = account.HasSecondFactor ? "two-factor" : "password only";
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{account.UserName}\t{string.Join(",", account.Roles)}\t{state}\t{secondFactor}"));
                }

                break;
            default:
                problem = "usage: users add NAME --role ROLE [--role ROLE] | users reset-password NAME | users reset-second-factor NAME | users disable NAME | users enable NAME | users list";
                await error.WriteLineAsync(problem);
                return 2;
        }

        return problem is null ? 0 : 1;

        async Task ReportAsync(string? failure, string success, string? generatedPassword)
        {
            if (failure is not null)
            {
                await error.WriteLineAsync($"users {verb}: {failure}");
                return;
            }

            await output.WriteLineAsync(success);
            if (generatedPassword is not null)
            {
                await output.WriteLineAsync($"Generated password (shown once): {generatedPassword}");
            }
        }
    }

    private static async Task<(string Password, bool Generated)> PasswordAsync(TextReader input)
    {
        var given = (await input.ReadLineAsync())?.TrimEnd('\r', '\n');
        return string.IsNullOrEmpty(given)
            ? (Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y'), true)
            : (given, false);
    }
}
