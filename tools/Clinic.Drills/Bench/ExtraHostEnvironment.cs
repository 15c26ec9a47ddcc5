using System.Text.RegularExpressions;
namespace Clinic.Drills.Bench;

/// <summary>
/// The extra host environment a measuring command takes as repeated <c>--env NAME=VALUE</c> arguments (a runtime
/// setting to price, such as <c>DOTNET_TieredPGO=0</c>), applied over the bench's settings.
/// </summary>
internal static partial class ExtraHostEnvironment
{
    /// <exception cref="FormatException">An --env not followed by NAME=VALUE, or a name given twice (a typo, not a choice).</exception>
    public static IReadOnlyDictionary<string, string> Parse(IReadOnlyList<string> arguments)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] != "--env")
            {
                continue;
            }

            var setting = i + 1 < arguments.Count ? arguments[++i] : "";
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"--env takes NAME=VALUE, not '{setting}'.");
            }

            if (!settings.TryAdd(setting[..equals], setting[(equals + 1)..]))
            {
                throw new FormatException($"--env {setting[..equals]} is given twice.");
            }
        }

        return settings;
    }

    /// <summary>
    /// The host environment a measuring command starts its host with: the bench's settings, each replaced by an extra
    /// setting of the same name (pricing another value of one of the bench's own settings is the point of --env).
    /// </summary>
    public static Dictionary<string, string> Over(IReadOnlyDictionary<string, string> benchSettings, IReadOnlyDictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(benchSettings, StringComparer.Ordinal);
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>"none", or NAME=VALUE pairs separated by commas, for a report's header; a password in a value is hidden.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0 ? "none" : string.Join(", ", settings.Select(e => $"{e.Key}={Password().Replace(e.Value, "${key}=***")}"));

    [GeneratedRegex(@"(?<key>Password)=[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex Password();
}
