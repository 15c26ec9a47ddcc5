using System.Text.RegularExpressions;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// The runtime settings the host's image sets as <c>ENV DOTNET_…</c> lines in <c>deploy/Dockerfile</c>: settings
/// the runtime reads only from the environment, not from the runtimeconfig.json the build writes. The drills and
/// the bench start the host with them, so they measure the host as shipped.
/// </summary>
internal static partial class ImageRuntimeSettings
{
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> dockerfileLines)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in dockerfileLines)
        {
            var match = RuntimeSetting().Match(line);
            if (match.Success)
            {
                settings[match.Groups["name"].Value] = match.Groups["value"].Value;
            }
        }

        return settings;
    }

    /// <summary>The settings of the repository's <c>deploy/Dockerfile</c>, found above this program's directory.</summary>
    /// <exception cref="FileNotFoundException">Run from outside the repository.</exception>
    public static IReadOnlyDictionary<string, string> Load()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var dockerfile = Path.Combine(directory.FullName, "deploy", "Dockerfile");
            if (File.Exists(dockerfile))
            {
                return Parse(File.ReadLines(dockerfile));
            }
        }

        throw new FileNotFoundException("deploy/Dockerfile not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^ENV\s+(?<name>DOTNET_\w+)=(?<value>\S+)\s*$")]
    private static partial Regex RuntimeSetting();
}
