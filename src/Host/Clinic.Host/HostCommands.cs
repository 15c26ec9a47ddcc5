using Clinic.Host.Accounts;
using Clinic.Modules.Notifications;
using Marten;

namespace Clinic.Host;

/// <summary>
/// Operator commands run from the same binary as the site:
///   migrate   apply every store's schema and exit (run before starting a new version);
///   users …   create, disable, enable and reset accounts (see AccountCommands);
///   audit …   verify the seals, replay the read models, export a date range (see AuditCommands);
///   privacy rewrap   re-wrap every data key under the active master key (see PrivacyCommands).
/// </summary>
internal static class HostCommands
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "migrate":
                await app.Services.GetRequiredService<Clinic.Modules.Intake.IIntakeStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await app.Services.GetRequiredService<IAccountsStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await app.Services.GetRequiredService<INotificationsStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await app.Services.GetRequiredService<Clinic.Modules.Content.IContentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
                await Clinic.Modules.Intake.IntakeModule.ApplyTimerSchemaAsync(app.Services);
                await Clinic.Modules.Intake.Audit.AuditCommands.FillReadModelsAsync(app.Services, Console.Out);
                await Console.Out.WriteLineAsync("Database schema is up to date.");
                return true;
            case "audit":
                Environment.ExitCode = await Clinic.Modules.Intake.Audit.AuditCommands.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
                return true;
            case "privacy":
                Environment.ExitCode = await Clinic.Modules.Intake.Privacy.PrivacyCommands.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
                return true;
            case "users":
                Environment.ExitCode = await AccountCommands.RunAsync(
                    app.Services.GetRequiredService<AccountStore>(), args[1..], Console.In, Console.Out, Console.Error);
                return true;
            default:
                return false;
        }
    }
}
