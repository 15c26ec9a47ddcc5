using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Clinic.Modules.Intake.Audit;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.Triage;
using Marten;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>One event of a request's history as a person is shown it: what happened, when, by whom, and any words recorded.</summary>
internal sealed record SubjectAccessEvent(string Type, DateTimeOffset At, string Actor, string? Text);

/// <param name="Details">Null once erased; then <paramref name="Erased"/> says when and why.</param>
internal sealed record SubjectAccessRequest(
    string Reference, Guid RequestId, DateTimeOffset ArrivedAt, ContactRequest? Details, string? Erased, IReadOnlyList<SubjectAccessEvent> History);

internal sealed record SubjectAccessReport(string? Email, string? Phone, DateTimeOffset ProducedAt, string ProducedBy, IReadOnlyList<SubjectAccessRequest> Requests);

/// <summary>
/// Everything held about one person (every request their e-mail address or phone number found, with its history),
/// as JSON or as a readable HTML page to send them. Produced on demand and never kept on the server; each export
/// is recorded in the access log, one line per request it showed.
/// </summary>
internal sealed class SubjectAccessExport(IIntakeStore store, IPersonalData personalData, PersonalDataVault vault, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<SubjectAccessReport> BuildAsync(string? email, string? phone, string viewer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ids = await personalData.FindRequestsAsync(Blank(email), Blank(phone), cancellationToken);
        var requests = new List<SubjectAccessRequest>();
        await using var session = store.LightweightSession();
        foreach (var id in ids)
        {
            var history = await session.Events.FetchStreamAsync(id, token: cancellationToken);
            var status = await session.LoadAsync<PrivacyStatus>(id, cancellationToken);
            if (history.Count == 0 || status is null)
            {
                continue;
            }

            var erased = history.Select(e => e.Data).OfType<PersonalDataErased>().FirstOrDefault();
            var details = erased is null ? await personalData.ReadAsync(id, cancellationToken) : null;
            // Notes are sealed under the request's key like the visitor's own details.
            var notes = erased is null ? await vault.OpenNotesAsync(id, history, cancellationToken) : null;
            var events = history.Select(e => new SubjectAccessEvent(e.EventTypeName, e.Timestamp, RequestHistoryQuery.Actor(e.Data), notes is null ? null : Words(e, notes))).ToList();
            requests.Add(new SubjectAccessRequest(status.Reference, id, status.ArrivedAt, details, erased is null ? null : ErasedMarker.Text(erased), events));
            PersonalDataAccess.Record(session, id, status.Reference, viewer, "subject-access export", now);
        }

        await session.SaveChangesAsync(cancellationToken);
        return new SubjectAccessReport(Blank(email), Blank(phone), now, viewer, requests);
    }

    public static string ToJson(SubjectAccessReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToHtml(SubjectAccessReport report)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder();
        page.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Your data held by the clinic</title></head><body>");
        page.Append("<h1>What the clinic holds about you</h1>");
        page.Append("<p>Produced ").Append(html.Encode(report.ProducedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)))
            .Append(" for the requests made with ").Append(html.Encode(string.Join(" or ", new[] { report.Email, report.Phone }.Where(v => v is not null))))
            .Append(". ").Append(report.Requests.Count).Append(report.Requests.Count == 1 ? " request." : " requests.").Append("</p>");
        foreach (var request in report.Requests)
        {
            page.Append("<section><h2>Request ").Append(html.Encode(request.Reference)).Append("</h2>");
            page.Append("<p>Received ").Append(html.Encode(Utc(request.ArrivedAt))).Append("</p>");
            if (request.Details is { } d)
            {
                page.Append("<dl>");
                Row("Name", $"{d.FirstName} {d.LastName}");
                Row("E-mail", d.Email);
                Row("Phone", d.Phone);
                Row("Prefers", $"{d.PreferredContact}, {d.BestTimeToCall}");
                Row("Condition", d.ConditionSlug);
                Row("Message", d.Message ?? "");
                Row("Wanted an acknowledgement", d.WantsAcknowledgement ? "yes" : "no");
                page.Append("</dl>");
            }
            else
            {
                page.Append("<p>Your details: ").Append(html.Encode(request.Erased ?? "not held")).Append("</p>");
            }

            page.Append("<h3>What happened</h3><ol>");
            foreach (var e in request.History)
            {
                page.Append("<li>").Append(html.Encode(Utc(e.At))).Append(" — ").Append(html.Encode(e.Type)).Append(" (").Append(html.Encode(e.Actor)).Append(')');
                if (e.Text is not null)
                {
                    page.Append(": ").Append(html.Encode(e.Text));
                }

                page.Append("</li>");
            }

            page.Append("</ol></section>");
        }

        page.Append("</body></html>");
        return page.ToString();

        void Row(string name, string value) => page.Append("<dt>").Append(html.Encode(name)).Append("</dt><dd>").Append(html.Encode(value)).Append("</dd>");
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The words staff recorded about the request, which are the person's data too.</summary>
    private static string? Words(JasperFx.Events.IEvent e, IReadOnlyDictionary<Guid, string?> notes) => e.Data switch
    {
        NoteAdded n => notes.GetValueOrDefault(e.Id) ?? n.Text,
        RequestDeclined d => notes.GetValueOrDefault(e.Id) ?? d.Reason,
        ContactAttempted c => c.Outcome,
        _ => null,
    };
}

/// <summary>"erased on 2026-12-01 (request)": what every page and export shows where erased details were.</summary>
internal static class ErasedMarker
{
    public static string Text(PersonalDataErased erased) =>
        $"erased on {erased.ErasedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} ({erased.Reason})";

    public static PersonalDataErased? In(IEnumerable<object> events) => events.OfType<PersonalDataErased>().FirstOrDefault();

    /// <summary>The event as pages and exports show it: the events that held personal data, marked erased, when it was.</summary>
    public static object Redact(object data, PersonalDataErased? erased) => (data, erased) switch
    {
        (_, null) => data,
        (RequestSubmitted s, { } e) => new ErasedArrival(Text(e), s.RequestId, s.Reference, s.Channel, s.TermsVersion, s.SubmittedAt),
        (SuspectedSpamReceived s, { } e) => new ErasedArrival(Text(e), s.RequestId, s.Reference, s.Channel, s.TermsVersion, s.ReceivedAt),
        (NoteAdded n, { } e) => new ErasedNote(Text(e), n.By, n.At),
        (RequestDeclined d, { } e) => new ErasedDecline(Text(e), d.By, d.At),
        _ => data,
    };
}

/// <summary>A request's arrival after its erasure: what it was, without the visitor's details.</summary>
internal sealed record ErasedArrival(string Request, Guid RequestId, string Reference, string Channel, string TermsVersion, DateTimeOffset At);

internal sealed record ErasedNote(string Text, string By, DateTimeOffset At);

internal sealed record ErasedDecline(string Reason, string By, DateTimeOffset At);
