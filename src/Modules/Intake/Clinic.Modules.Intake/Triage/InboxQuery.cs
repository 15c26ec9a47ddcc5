using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Clinic.Modules.Intake.ReadModels;

namespace Clinic.Modules.Intake.Triage;

/// <summary>Which requests a page of the inbox (or the spam folder) lists.</summary>
/// <param name="Status">One status only; null lists every open request, or every request with <paramref name="All"/>.</param>
internal sealed record InboxFilter(bool Spam, RequestStatus? Status = null, bool All = false, string? Condition = null, bool OverdueOnly = false);

/// <summary>
/// Where a page starts or ends in the inbox's order (urgent first, then newest, then id): keyset paging, so
/// page 600 costs what page 1 costs, and a request arriving meanwhile never shifts a page onto the next.
/// </summary>
internal readonly record struct InboxCursor(bool Urgent, DateTimeOffset SubmittedAt, Guid Id)
{
    public static InboxCursor Of(InboxEntry entry) => new(entry.IsUrgent, entry.SubmittedAt, entry.Id);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Urgent ? 1 : 0)}-{SubmittedAt.UtcTicks}-{Id:N}");

    /// <summary>Anything else (a hand-edited link) is no cursor at all: the list starts at its first page.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out InboxCursor cursor)
    {
        cursor = default;
        var parts = text?.Split('-');
        if (parts is not [var urgent, var ticks, var id] || urgent is not ("0" or "1")
            || !long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
            || utcTicks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(id, "N", out var guid))
        {
            return false;
        }

        cursor = new InboxCursor(urgent == "1", new DateTimeOffset(utcTicks, TimeSpan.Zero), guid);
        return true;
    }
}

/// <param name="Previous">Set when a page comes before this one: list what comes before it.</param>
/// <param name="Next">Set when a page comes after this one: list what comes after it.</param>
internal sealed record InboxPage(IReadOnlyList<InboxEntry> Requests, InboxCursor? Previous, InboxCursor? Next);
