using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Privacy — the keys that protect visitors' personal data. Never in the repository: configuration (environment,
/// a secret store) or a key file readable only by the host's account.
/// </summary>
internal sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>Master keys by id, each 32 random bytes in base64. Old ones stay listed until <c>privacy rewrap</c> has run.</summary>
    public Dictionary<string, string> MasterKeys { get; set; } = [];

    /// <summary>A file of further master keys, one <c>id=base64</c> per line (<c>#</c> starts a comment).</summary>
    public string? MasterKeyFile { get; set; }

    /// <summary>The master key that wraps new data keys (and that <c>privacy rewrap</c> moves every data key to).</summary>
    public string? ActiveMasterKey { get; set; }

    /// <summary>The blind index's HMAC key, 32 or more random bytes in base64, separate from every master key.</summary>
    public string? BlindIndexKey { get; set; }

    /// <summary>The master keys from configuration and the key file, and the problems found reading them (each naming its key).</summary>
    internal (Dictionary<string, byte[]> Keys, List<string> Problems) Load()
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        void Add(string id, string value, string source)
        {
            if (string.IsNullOrWhiteSpace(id) || id.Contains('/', StringComparison.Ordinal))
            {
                problems.Add($"{source}: a master key id must be non-empty and contain no '/'.");
            }
            else if (!TryKey(value, out var key) || key.Length != Envelope.KeySize)
            {
                problems.Add($"{source}: must be {Envelope.KeySize} random bytes in base64 (for example: openssl rand -base64 32).");
            }
            else if (!keys.TryAdd(id, key) && !keys[id].AsSpan().SequenceEqual(key))
            {
                problems.Add($"{source}: master key '{id}' is given twice with different values.");
            }
        }

        foreach (var (id, value) in MasterKeys)
        {
            Add(id, value, $"{Section}:MasterKeys:{id}");
        }

        if (!string.IsNullOrWhiteSpace(MasterKeyFile))
        {
            if (!File.Exists(MasterKeyFile))
            {
                problems.Add($"{Section}:MasterKeyFile: the file '{MasterKeyFile}' does not exist.");
            }
            else
            {
                var number = 0;
                foreach (var line in File.ReadAllLines(MasterKeyFile))
                {
                    number++;
                    var text = line.Trim();
                    if (text.Length == 0 || text.StartsWith('#'))
                    {
                        continue;
                    }

                    var equals = text.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        problems.Add($"{Section}:MasterKeyFile line {number}: expected id=base64.");
                        continue;
                    }

                    Add(text[..equals].Trim(), text[(equals + 1)..].Trim(), $"{Section}:MasterKeyFile line {number}");
                }
            }
        }

        return (keys, problems);
    }

    internal static bool TryKey(string? base64, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(base64))
        {
            return false;
        }

        try
        {
            key = Convert.FromBase64String(base64.Trim());
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>Checked at startup, so a host with a missing or malformed key stops at once, naming the setting.</summary>
internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var (keys, problems) = options.Load();
        if (keys.Count == 0 && problems.Count == 0)
        {
            problems.Add($"No master key: set {PrivacyOptions.Section}:MasterKeys:<id> (32 random bytes in base64) and {PrivacyOptions.Section}:ActiveMasterKey, or {PrivacyOptions.Section}:MasterKeyFile.");
        }

        if (string.IsNullOrWhiteSpace(options.ActiveMasterKey))
        {
            problems.Add($"{PrivacyOptions.Section}:ActiveMasterKey must name the master key that wraps new data keys.");
        }
        else if (keys.Count > 0 && !keys.ContainsKey(options.ActiveMasterKey))
        {
            problems.Add($"{PrivacyOptions.Section}:ActiveMasterKey '{options.ActiveMasterKey}' is not among the master keys ({string.Join(", ", keys.Keys.Order(StringComparer.Ordinal))}).");
        }

        if (!PrivacyOptions.TryKey(options.BlindIndexKey, out var index) || index.Length < Envelope.KeySize)
        {
            problems.Add($"{PrivacyOptions.Section}:BlindIndexKey must be at least {Envelope.KeySize} random bytes in base64, different from every master key.");
        }
        else if (keys.Values.Any(k => k.AsSpan().SequenceEqual(index)))
        {
            problems.Add($"{PrivacyOptions.Section}:BlindIndexKey must differ from every master key.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
