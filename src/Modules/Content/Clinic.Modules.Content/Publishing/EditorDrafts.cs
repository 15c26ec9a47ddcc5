using System.Text.Json;
using Clinic.Modules.Content.Editing;
using Clinic.Modules.Content.Library;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Clinic.Modules.Content.Publishing;

/// <summary>
/// What the editors of the highlights, the crisis resources and the text pages share: the item as it stands (its
/// pending draft, else what is live) with the stream version the editor saw, and the checks every text field gets.
/// </summary>
internal static class EditorDrafts
{
    public const int MaxShortText = 200;
    public const int MaxText = 2_000;
    public const int MaxMarkdown = 50_000;

    /// <summary>The item's current body (pending draft, else what is live) and its stream version; null when there is no such item.</summary>
    public static async Task<(T Body, long Version)?> LoadAsync<T>(ContentEditing editing, string key, CancellationToken cancellationToken)
    {
        var state = ContentItemState.From(await editing.HistoryAsync(key, cancellationToken));
        return state is null ? null : (JsonSerializer.Deserialize<T>(state.DraftBody, ContentLibrary.JsonOptions)!, state.Version);
    }

    /// <summary>Required text without control characters (line breaks allowed where <paramref name="multiLine"/>), within a length.</summary>
    public static string? Text(ModelStateDictionary errors, string field, string? value, string label, int maxLength, bool multiLine = false)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.AddModelError(field, $"Enter the {label}.");
        }
        else if (text.Length > maxLength)
        {
            errors.AddModelError(field, $"The {label} must be {maxLength:N0} characters or fewer.");
        }
        else if (text.Any(c => char.IsControl(c) && !(multiLine && c is '\n' or '\r' or '\t')))
        {
            errors.AddModelError(field, $"The {label} cannot contain control characters{(multiLine ? "" : " or line breaks")}.");
        }

        return text;
    }

    /// <summary>
    /// A crisis action's link: only a telephone number, a text-message number or a secure web address, so no
    /// "javascript:" (or any other scheme) can reach a visitor who needs help.
    /// </summary>
    public static string? CrisisHref(ModelStateDictionary errors, string field, string? value)
    {
        var href = value?.Trim();
        if (string.IsNullOrEmpty(href))
        {
            errors.AddModelError(field, "Enter the link: tel:, sms: or https://.");
            return href;
        }

        var valid = href.Length <= MaxShortText && !href.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'' or '<' or '>' or '`' or '\\') && (
            href.StartsWith("tel:", StringComparison.Ordinal) || href.StartsWith("sms:", StringComparison.Ordinal)
                ? href.Length > 4 && href[4..].All(c => char.IsAsciiDigit(c) || c is '+' or '-' or '*' or '#' or '.' or ',' or ';' or '=' or '?' or '&' || char.IsAsciiLetter(c))
                : href.StartsWith("https://", StringComparison.Ordinal) && Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0);
        if (!valid)
        {
            errors.AddModelError(field, "The link must be a phone number (tel:988), a text number (sms:741741) or a secure web address (https://…).");
        }

        return href;
    }
}
