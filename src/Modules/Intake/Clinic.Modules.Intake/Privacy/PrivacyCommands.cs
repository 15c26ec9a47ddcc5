using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// The key custodian's command line, run from the host binary:
///   privacy rewrap   re-wrap every request's data key under Privacy:ActiveMasterKey (events untouched); afterwards
///                    the old master key can be removed from configuration.
/// </summary>
public static class PrivacyCommands
{
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.FirstOrDefault() != "rewrap")
        {
            await error.WriteLineAsync("usage: privacy rewrap   (re-wraps every data key under Privacy:ActiveMasterKey)");
            return 2;
        }

        // Resolving the vault validates the keys: a missing or malformed one is named here, before anything changes.
        var vault = services.GetRequiredService<PersonalDataVault>();
        var count = await vault.RewrapAsync(new Progress<int>(done => error.Write($"\rre-wrapped {done}")), CancellationToken.None);
        await error.WriteLineAsync();
        await output.WriteLineAsync($"Re-wrapped {count} data key(s) under master key '{vault.Keys.ActiveId}'. Every data key is now under it; older master keys can be removed.");
        return 0;
    }
}
