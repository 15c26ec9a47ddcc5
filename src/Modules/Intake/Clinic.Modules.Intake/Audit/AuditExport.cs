using System.Globalization;
using System.Text.Json;
using Clinic.Modules.Intake.ReadModels;
using JasperFx.Events;
using Marten;

namespace Clinic.Modules.Intake.Audit;

/// <summary>
/// Every event recorded in [From, To) in sequence order, as NDJSON or CSV. <see cref="StartAsync"/> runs the
/// first query before anything is written, so a failure is reported as an error rather than as an empty export.
/// </summary>
internal sealed class AuditExport
{
    public static readonly string[] Formats = ["ndjson", "csv"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int PageSize = 2000;

    private readonly IQuerySession _session;
    private readonly Privacy.Disclosure _disclosure;
    private readonly Dictionary<Guid, string> _references = [];

    /// <summary>Erased requests in the range: their events that held personal data are exported marked erased.</summary>
    private readonly Dictionary<Guid, Domain.PersonalDataErased> _erased = [];
    private IReadOnlyList<IEvent> _firstPage = [];

    private AuditExport(IQuerySession session, Privacy.Disclosure disclosure, DateTimeOffset from, DateTimeOffset to) =>
        (_session, _disclosure, From, To) = (session, disclosure, from, to);

    /// <summary>The range's start, in UTC.</summary>
    public DateTimeOffset From { get; }

    /// <summary>The range's end (exclusive), in UTC.</summary>
    public DateTimeOffset To { get; }

    /// <summary>Reads the first page (events and their references); nothing is written yet.</summary>
    /// <param name="disclosure">Decrypts each event's personal data, or marks it erased.</param>
    public static async Task<AuditExport> StartAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to, Privacy.Disclosure disclosure, CancellationToken cancellationToken)
    {
        // Npgsql sends only UTC values as timestamptz parameters: the same instants, whatever offset they were given in.
        var export = new AuditExport(session, disclosure, from.ToUniversalTime(), to.ToUniversalTime());
        export._firstPage = await export.PageAsync(after: 0, cancellationToken);
        return export;
    }

    public async Task<long> WriteAsync(string format, TextWriter output, CancellationToken cancellationToken)
    {
        var csv = format == "csv";
        if (csv)
        {
            await output.WriteLineAsync("sequence,stream_id,reference,version,type,recorded_at,actor,correlation_id,data");
        }

        long written = 0;
        var batch = _firstPage;
        while (batch.Count > 0)
        {
            foreach (var e in batch)
            {
                var erasure = _erased.GetValueOrDefault(e.StreamId);
                var data = erasure is null ? await _disclosure.ShowAsync(e.StreamId, e.Data, cancellationToken) : Privacy.ErasedMarker.Redact(e.Data, erasure);
                await output.WriteLineAsync(csv ? CsvLine(e, data, _references) : NdjsonLine(e, data, _references));
                written++;
            }

            batch = await PageAsync(after: batch[^1].Sequence, cancellationToken);
        }

        return written;
    }

    private async Task<IReadOnlyList<IEvent>> PageAsync(long after, CancellationToken cancellationToken)
    {
        var (from, to) = (From, To);
        var batch = await _session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after && e.Timestamp >= from && e.Timestamp < to)
            .OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(cancellationToken);
        var unknown = batch.Select(e => e.StreamId).Where(id => !_references.ContainsKey(id)).Distinct().ToArray();
        foreach (var request in await _session.LoadManyAsync<RequestReceipt>(cancellationToken, unknown))
        {
            _references[request.Id] = request.Reference;
        }

        foreach (var status in await _session.LoadManyAsync<Privacy.PrivacyStatus>(cancellationToken, unknown))
        {
            if (status is { ErasedAt: { } at, ErasedBecause: { } because })
            {
                _erased[status.Id] = new Domain.PersonalDataErased(because, "", null, at);
            }
        }

        return batch;
    }

    private static string NdjsonLine(IEvent e, object data, Dictionary<Guid, string> references) => JsonSerializer.Serialize(new
    {
        sequence = e.Sequence,
        streamId = e.StreamId,
        reference = references.GetValueOrDefault(e.StreamId),
        version = e.Version,
        type = e.EventTypeName,
        recordedAt = e.Timestamp,
        actor = RequestHistoryQuery.Actor(e.Data),
        correlationId = e.CorrelationId,
        data = JsonSerializer.SerializeToElement(data, data.GetType(), Json),
    }, Json);

    private static string CsvLine(IEvent e, object data, Dictionary<Guid, string> references) => string.Join(',',
        e.Sequence.ToString(CultureInfo.InvariantCulture), e.StreamId.ToString(), Quote(references.GetValueOrDefault(e.StreamId)),
        e.Version.ToString(CultureInfo.InvariantCulture), Quote(e.EventTypeName), e.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        Quote(RequestHistoryQuery.Actor(e.Data)), Quote(e.CorrelationId), Quote(JsonSerializer.Serialize(data, data.GetType(), Json)));

    /// <summary>RFC 4180 quoting; a leading =, +, - or @ is prefixed so spreadsheets never run a visitor's text as a formula.</summary>
    private static string Quote(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@')
        {
            text = "'" + text;
        }

        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
