using System.Globalization;
using System.Text.Json;
using Clinic.Modules.Intake.ReadModels;
using JasperFx.Events;
using Marten;

namespace Clinic.Modules.Intake.Audit;

/// <summary>Writes every event recorded in [from, to) in sequence order, as NDJSON or CSV.</summary>
internal static class AuditExport
{
    public static readonly string[] Formats = ["ndjson", "csv"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int PageSize = 2000;

    public static async Task<long> WriteAsync(IQuerySession session, DateTimeOffset from, DateTimeOffset to, string format, TextWriter output, CancellationToken cancellationToken)
    {
        var csv = format == "csv";
        if (csv)
        {
            await output.WriteLineAsync("sequence,stream_id,reference,version,type,recorded_at,actor,correlation_id,data");
        }

        long written = 0, after = 0;
        var references = new Dictionary<Guid, string>();
        while (true)
        {
            var batch = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after && e.Timestamp >= from && e.Timestamp < to)
                .OrderBy(e => e.Sequence).Take(PageSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return written;
            }

            var unknown = batch.Select(e => e.StreamId).Where(id => !references.ContainsKey(id)).Distinct().ToArray();
            foreach (var request in await session.LoadManyAsync<RequestReceipt>(cancellationToken, unknown))
            {
                references[request.Id] = request.Reference;
            }

            foreach (var e in batch)
            {
                await output.WriteLineAsync(csv ? CsvLine(e, references) : NdjsonLine(e, references));
                written++;
            }

            after = batch[^1].Sequence;
        }
    }

    private static string NdjsonLine(IEvent e, Dictionary<Guid, string> references) => JsonSerializer.Serialize(new
    {
        sequence = e.Sequence,
        streamId = e.StreamId,
        reference = references.GetValueOrDefault(e.StreamId),
        version = e.Version,
        type = e.EventTypeName,
        recordedAt = e.Timestamp,
        actor = RequestHistoryQuery.Actor(e.Data),
        correlationId = e.CorrelationId,
        data = JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), Json),
    }, Json);

    private static string CsvLine(IEvent e, Dictionary<Guid, string> references) => string.Join(',',
        e.Sequence.ToString(CultureInfo.InvariantCulture), e.StreamId.ToString(), Quote(references.GetValueOrDefault(e.StreamId)),
        e.Version.ToString(CultureInfo.InvariantCulture), Quote(e.EventTypeName), e.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        Quote(RequestHistoryQuery.Actor(e.Data)), Quote(e.CorrelationId), Quote(JsonSerializer.Serialize(e.Data, e.Data.GetType(), Json)));

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
