using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// An item's text at any version, in a form people compare: one labelled line per field ("Facts › Items 2: …"),
/// in the body's own order, so a difference names the field that changed rather than a JSON brace.
/// </summary>
internal static class VersionText
{
    /// <summary>The body an event carries: a draft, a publication, a rollback; null for the others.</summary>
    public static string? BodyOf(object fact) => fact switch
    {
        ContentDraftSaved e => e.Body,
        ContentPublished e => e.Body,
        ContentRolledBack e => e.Body,
        _ => null,
    };

    /// <summary>The text as it stood at a stream version: the body of the last event up to it that carries one.</summary>
    public static string? BodyAt(IReadOnlyList<IEvent> history, long version) =>
        history.Where(e => e.Version <= version).Select(e => BodyOf(e.Data)).LastOrDefault(b => b is not null);

    /// <summary>The body as labelled lines; a body that is not JSON is shown as it is.</summary>
    public static string Readable(string body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return body;
        }

        var text = new StringBuilder();
        Write(text, root, "");
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node, string label)
    {
        switch (node)
        {
            case JsonObject fields:
                foreach (var (name, field) in fields)
                {
                    Write(text, field, Join(label, Label(name)));
                }

                break;
            case JsonArray items:
                if (items.Count == 0)
                {
                    text.Append(label).AppendLine(": (none)");
                }

                for (var i = 0; i < items.Count; i++)
                {
                    Write(text, items[i], $"{label} {i + 1}");
                }

                break;
            case null:
                break;
            default:
                var value = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                var lines = value.ReplaceLineEndings("\n").Split('\n');
                text.Append(label).Append(": ").AppendLine(lines[0]);
                // A multi-line value (Markdown) keeps one line per line, each marked as the field's continuation.
                foreach (var line in lines.Skip(1))
                {
                    text.Append("    ").AppendLine(line);
                }

                break;
        }
    }

    private static string Join(string outer, string inner) => outer.Length == 0 ? inner : $"{outer} › {inner}";

    /// <summary>"warningSigns" → "Warning signs".</summary>
    private static string Label(string name)
    {
        var label = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && label.Length > 0)
            {
                label.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                label.Append(label.Length == 0 ? char.ToUpperInvariant(c) : c);
            }
        }

        return label.ToString();
    }
}
