using System.Text.Json;

namespace Clinic.Modules.Content.Conditions;

internal sealed record Condition(string Slug, string Name, IReadOnlyList<string> Description);

/// <summary>The clinic's conditions, loaded once from the module's data file and validated.</summary>
internal sealed class ConditionCatalog
{
    private const string ResourceName = "Clinic.Content.conditions.json";
    private readonly Dictionary<string, Condition> _bySlug;

    public ConditionCatalog(IReadOnlyList<Condition> conditions)
    {
        All = conditions;
        _bySlug = conditions.ToDictionary(c => c.Slug, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<Condition> All { get; }

    public Condition? Find(string slug) => _bySlug.GetValueOrDefault(slug);

    public static ConditionCatalog LoadEmbedded()
    {
        using var stream = typeof(ConditionCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Content data file '{ResourceName}' is not embedded in the Content module.");
        return Parse(stream, "conditions.json");
    }

    public static ConditionCatalog Parse(Stream json, string fileName)
    {
        ConditionsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ConditionsFile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{fileName}: not valid JSON ({e.Message}).", e);
        }

        if (file?.Conditions is not { Count: > 0 } entries)
        {
            throw new InvalidDataException($"{fileName}: 'conditions' must list at least one condition.");
        }

        var conditions = new List<Condition>(entries.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = $"{fileName}: conditions[{i}]";
            if (string.IsNullOrWhiteSpace(entry.Slug) || !IsSlug(entry.Slug))
            {
                throw new InvalidDataException($"{where}.slug must be lower-case letters, digits and dashes.");
            }

            if (!seen.Add(entry.Slug))
            {
                throw new InvalidDataException($"{where}.slug '{entry.Slug}' appears twice.");
            }

            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                throw new InvalidDataException($"{where}.name is required.");
            }

            conditions.Add(new Condition(entry.Slug, entry.Name, entry.Description ?? []));
        }

        return new ConditionCatalog(conditions);
    }

    private static bool IsSlug(string value) => value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private sealed record ConditionsFile(List<ConditionEntry>? Conditions);

    private sealed record ConditionEntry(string? Slug, string? Name, List<string>? Description);
}
