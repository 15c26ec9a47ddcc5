using System.Text;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// The runtime settings the host's image sets as <c>ENV DOTNET_…</c> (the .NET runtime) and <c>ENV MALLOC_…</c> (glibc's
/// allocator) instructions in <c>deploy/Dockerfile</c>: settings read only from the environment, not from the
/// runtimeconfig.json the build writes. The drills, the bench
/// and <c>./clinic run</c> (through <c>Clinic.Drills image-env</c>) start the host with them, so all three run the host
/// as shipped and read the file the same way.
/// </summary>
/// <remarks>
/// Reads ENV as Docker does: the keyword in any case, spaces or tabs, instructions continued with a trailing backslash,
/// comment lines (also between continued lines), several NAME=VALUE pairs in one instruction, the older
/// <c>ENV NAME VALUE</c> form, quotes, backslash escapes and empty values; only the final stage's settings (and those of
/// a stage it is built from) reach the image. What Docker would read in a way this does not (a <c>$</c> it would
/// expand, the escape parser directive, an unmatched quote) is refused rather than read differently.
/// </remarks>
internal static partial class ImageRuntimeSettings
{
    private static readonly string[] Prefixes = ["DOTNET_", "MALLOC_"];

    /// <exception cref="FormatException">An instruction that sets a runtime setting is not read as Docker reads it.</exception>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> dockerfileLines)
    {
        var stages = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, instruction) in Instructions(dockerfileLines))
        {
            var parts = Whitespace().Split(instruction, 2);
            var arguments = parts.Length > 1 ? parts[1] : "";
            if (parts[0].Equals("FROM", StringComparison.OrdinalIgnoreCase))
            {
                // A stage starts with its base's environment: an earlier stage's, or none for an image from a registry.
                var words = Whitespace().Split(arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                settings = words.Count > 0 && stages.TryGetValue(words[0], out var parent)
                    ? new Dictionary<string, string>(parent, StringComparer.Ordinal)
                    : new Dictionary<string, string>(StringComparer.Ordinal);
                if (words.Count == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    stages[words[2]] = settings;
                }
            }
            else if (parts[0].Equals("ENV", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var (name, value) in Variables(arguments, line))
                {
                    if (Prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        settings[name] = Word(value, line);
                    }
                }
            }
        }

        return settings;
    }

    /// <summary>The settings of the repository's <c>deploy/Dockerfile</c>, found above this program's directory.</summary>
    /// <exception cref="FileNotFoundException">Run from outside the repository.</exception>
    /// <exception cref="FormatException">See <see cref="Parse"/>.</exception>
    public static IReadOnlyDictionary<string, string> Load()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var dockerfile = Path.Combine(directory.FullName, "deploy", "Dockerfile");
            if (File.Exists(dockerfile))
            {
                try
                {
                    return Parse(File.ReadLines(dockerfile));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"{dockerfile}: {e.Message}", e);
                }
            }
        }

        throw new FileNotFoundException("deploy/Dockerfile not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Instructions with their first line's number: comments dropped, continued lines joined as Docker joins them.</summary>
    private static IEnumerable<(int Line, string Text)> Instructions(IEnumerable<string> lines)
    {
        var number = 0;
        var inDirectives = true;
        var first = 0;
        StringBuilder? pending = null;
        foreach (var raw in lines)
        {
            number++;
            var text = pending is null ? raw.TrimStart() : raw;
            if (text.TrimStart().StartsWith('#'))
            {
                // Parser directives are the comment lines at the very top; the escape directive changes what a backslash means.
                if (inDirectives && Directive().Match(text) is { Success: true } directive)
                {
                    if (directive.Groups["name"].Value.Equals("escape", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new FormatException($"line {number}: the escape parser directive is not supported here.");
                    }
                }
                else
                {
                    inDirectives = false;
                }

                continue;
            }

            inDirectives = false;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            var continued = Continuation().Match(text);
            if (pending is null)
            {
                first = number;
                pending = new StringBuilder();
            }

            pending.Append(continued.Success ? text[..continued.Index] : text);
            if (!continued.Success)
            {
                yield return (first, pending.ToString().Trim());
                pending = null;
            }
        }

        if (pending is not null)
        {
            yield return (first, pending.ToString().Trim());
        }
    }

    /// <summary>An ENV instruction's variables, values not yet unquoted: NAME=VALUE pairs, or the older NAME VALUE.</summary>
    private static IEnumerable<(string Name, string Value)> Variables(string arguments, int line)
    {
        var words = Words(arguments);
        if (words.Count == 0)
        {
            throw new FormatException($"line {line}: ENV names no variable.");
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = Whitespace().Split(arguments, 2);
            if (parts.Length < 2)
            {
                throw new FormatException($"line {line}: ENV {arguments} has no value.");
            }

            return [(Word(parts[0], line), parts[1])];
        }

        var variables = new List<(string, string)>();
        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new FormatException($"line {line}: '{word}' in ENV is not NAME=VALUE (Docker refuses it too; a comment needs a line of its own).");
            }

            var name = Word(word[..equals], line);
            if (name.Length == 0)
            {
                throw new FormatException($"line {line}: an ENV variable has no name.");
            }

            variables.Add((name, word[(equals + 1)..]));
        }

        return variables;
    }

    /// <summary>Splits at whitespace outside quotes and after no backslash, keeping quotes and escapes in the words.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        char quote = default;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!quoted && char.IsWhiteSpace(c))
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }

                continue;
            }

            if (c == '\\' && (!quoted || quote == '"') && i + 1 < text.Length)
            {
                word.Append(c).Append(text[++i]);
                continue;
            }

            if (!quoted && c is '"' or '\'')
            {
                (quoted, quote) = (true, c);
            }
            else if (quoted && c == quote)
            {
                quoted = false;
            }

            word.Append(c);
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>A word as Docker's shell-like processing leaves it: quotes removed and escapes applied.</summary>
    private static string Word(string word, int line)
    {
        var value = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            switch (c)
            {
                case '\\':
                    // Escapes the next character; a backslash ending the word is dropped.
                    if (++i < word.Length)
                    {
                        value.Append(word[i]);
                    }

                    break;
                case '\'':
                    var end = word.IndexOf('\'', i + 1);
                    if (end < 0)
                    {
                        throw new FormatException($"line {line}: {word} has an unmatched single quote.");
                    }

                    value.Append(word, i + 1, end - i - 1);
                    i = end;
                    break;
                case '"':
                    for (i++; i < word.Length && word[i] != '"'; i++)
                    {
                        // Inside double quotes a backslash escapes only a quote, a backslash or a dollar sign.
                        if (word[i] == '\\' && i + 1 < word.Length && word[i + 1] is '"' or '\\' or '$')
                        {
                            i++;
                        }
                        else if (word[i] == '$')
                        {
                            throw Substitution(word, line);
                        }

                        value.Append(word[i]);
                    }

                    if (i == word.Length)
                    {
                        throw new FormatException($"line {line}: {word} has an unmatched double quote.");
                    }

                    break;
                case '$':
                    throw Substitution(word, line);
                default:
                    value.Append(c);
                    break;
            }
        }

        return value.ToString();
    }

    private static FormatException Substitution(string word, int line) =>
        new($"line {line}: {word} has a '$' Docker would expand from its build arguments or environment; write the value out, or escape it as \\$.");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>A backslash ending a line, spaces and tabs after it allowed, continues the instruction on the next.</summary>
    [GeneratedRegex(@"\\[ \t]*$")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"^#\s*(?<name>[A-Za-z]+)\s*=")]
    private static partial Regex Directive();
}
