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

    /// <summary>
    /// "none", or NAME=VALUE pairs separated by commas, for a report's header. A secret is hidden: the whole value of a
    /// setting named as one, a connection string's value for a key named as one, and a URI's password.
    /// </summary>
    public static string Describe(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0 ? "none" : string.Join(", ", settings.Select(e => $"{e.Key}={Hidden(e.Key, e.Value)}"));

    private static string Hidden(string name, string value) =>
        SecretName().IsMatch(name) ? "***" : UriPassword().Replace(SecretKeyValue().Replace(value, "${key}=***"), "${start}***@");

    [GeneratedRegex("Secret|Key|Token|Password", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>A connection string's <c>key=value</c> whose key names a secret (Password=, SSL Key=, SharedAccessKey=).</summary>
    [GeneratedRegex("(?<key>(?:^|;)[^=;]*(?:Secret|Key|Token|Password)[^=;]*)=[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKeyValue();

    /// <summary>The password in a URI's user-info: <c>scheme://user:password@host</c>.</summary>
    [GeneratedRegex(@"(?<start>://[^/:@\s;]*:)[^/@\s;]*@")]
    private static partial Regex UriPassword();
}
