using Clinic.Host.Accounts;
using Marten;

namespace Clinic.Host;

/// <summary>
/// Operator commands run from the same binary as the site:
///   migrate        apply the Marten schema and exit (run before starting a new version);
///   hash-password  read a password from standard input and print its hash for Accounts:Users.
/// </summary>
internal static class HostCommands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "migrate":
                await app.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await Console.Out.WriteLineAsync("Database schema is up to date.");
                return true;
            case "hash-password":
                var password = (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n');
                if (string.IsNullOrEmpty(password))
                {
                    await Console.Error.WriteLineAsync("hash-password: give the password on standard input.");
                    Environment.ExitCode = 2;
                    return true;
                }

                await Console.Out.WriteLineAsync(ConfiguredAccounts.HashPassword(password));
                return true;
            default:
                return false;
        }
    }
}
