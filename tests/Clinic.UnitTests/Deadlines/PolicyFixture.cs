using Clinic.Modules.Intake.Deadlines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests.Deadlines;

/// <summary>The response policy as the host builds it: from configuration keys, through the module's own registration.</summary>
internal static class PolicyFixture
{
    public static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create<string, string?>($"{ResponsePolicyOptions.Section}:{s.Key}", s.Value)))
            .Build();
        return new ServiceCollection().AddResponsePolicy(configuration).BuildServiceProvider();
    }

    public static ResponsePolicy Policy(params (string Key, string Value)[] settings) =>
        Services(settings).GetRequiredService<ResponsePolicy>();

    public static ClinicTime Clock(params (string Key, string Value)[] settings) =>
        Services(settings).GetRequiredService<ClinicTime>();

    public static ResponsePolicyOptions Options(params (string Key, string Value)[] settings) =>
        Services(settings).GetRequiredService<IOptionsMonitor<ResponsePolicyOptions>>().CurrentValue;

    public static IReadOnlyList<string> Errors(params (string Key, string Value)[] settings)
    {
        try
        {
            _ = Options(settings);
            return [];
        }
        catch (OptionsValidationException e)
        {
            return [.. e.Failures];
        }
    }

    /// <summary>A clinic-local (America/New_York) wall time as the instant it is, for readable expectations.</summary>
    public static DateTimeOffset Eastern(string local, string offset) => DateTimeOffset.Parse($"{local}{offset}", System.Globalization.CultureInfo.InvariantCulture);
}
