using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <summary>
/// Grows the intake store to a long history by cloning the streams the host itself wrote during the run
/// (same event types, same JSON, same metadata), each clone with its own stream id, request id and
/// reference. Cloning real rows keeps the history honest to the schema without the bench knowing any
/// event's shape. The clones are history, not new requests: the forwarder's position is moved past them
/// so staff are not alerted about a million old requests; the sealer still has to seal every one.
/// It grows until both targets hold: enough events for the audit measures and enough requests (streams) for
/// the inbox's. The read models are not written here: the bench's <c>audit replay</c> builds them from the events.
/// </summary>
internal static class HistoryGenerator
{
    private const int TemplateStreams = 5000;

    /// <summary>
    /// Adds whole cloned requests until the store holds at least <paramref name="targetEvents"/> events and
    /// <paramref name="targetRequests"/> requests; returns how many events and requests it holds.
    /// </summary>
    public static async Task<(long Events, long Requests)> GrowToAsync(DrillStage stage, long targetEvents, long targetRequests)
    {
        var existing = await stage.ScalarAsync("select count(*) from {schema}.mt_events");
        var existingRequests = await stage.ScalarAsync("select count(*) from {schema}.mt_streams");
        if (existing >= targetEvents && existingRequests >= targetRequests)
        {
            return (existing, existingRequests);
        }

        await stage.ExecuteAsync($"""
            drop table if exists bench_template_streams;
            create unlogged table bench_template_streams as
              select id, type, version, timestamp, created, tenant_id, row_number() over (order by created, id) as rank
              from {"{schema}"}.mt_streams order by created, id limit {TemplateStreams};
            """);
        var templateEvents = await stage.ScalarAsync(
            "select count(*) from {schema}.mt_events e join bench_template_streams t on t.id = e.stream_id");
        var templateStreams = await stage.ScalarAsync("select count(*) from bench_template_streams");
        var copies = HistoryPlan.CopiesNeeded(existing, existingRequests, templateEvents, templateStreams, targetEvents, targetRequests);

        // References are KC-Uxxxx-xxxxx: the shape of real ones, but U is not in the host's alphabet, so no clash.
        await stage.ExecuteAsync($$"""
            begin;
            insert into {schema}.mt_streams (id, type, version, timestamp, created, tenant_id)
              select md5('bench-' || k || '-' || t.id)::uuid, t.type, t.version, t.timestamp, t.created, t.tenant_id
              from generate_series(1, {{copies}}) k cross join bench_template_streams t;
            insert into {schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, is_archived)
              select base.seq + row_number() over (order by k, e.seq_id), gen_random_uuid(), md5('bench-' || k || '-' || e.stream_id)::uuid, e.version,
                case when e.data ? 'Reference' then
                  jsonb_set(jsonb_set(e.data, '{RequestId}', to_jsonb(md5('bench-' || k || '-' || e.stream_id)::uuid::text)),
                    '{Reference}', to_jsonb('KC-U' || lpad((((k - 1) * {{templateStreams}} + t.rank) / 100000)::text, 4, '0')
                      || '-' || lpad((((k - 1) * {{templateStreams}} + t.rank) % 100000)::text, 5, '0')))
                else e.data end,
                e.type, e.timestamp, e.tenant_id, e.mt_dotnet_type, e.correlation_id, e.causation_id, e.headers, e.is_archived
              from generate_series(1, {{copies}}) k
                cross join {schema}.mt_events e
                join bench_template_streams t on t.id = e.stream_id
                cross join (select max(seq_id) as seq from {schema}.mt_events) base;
            select setval('{schema}.mt_events_sequence', (select max(seq_id) from {schema}.mt_events));
            -- History, not news: every subscription but the sealer (the forwarder, the deadline timers) starts past the clones.
            update {schema}.mt_event_progression set last_seq_id = (select max(seq_id) from {schema}.mt_events)
              where name not like 'audit-sealer%' and name <> 'HighWaterMark';
            commit;
            drop table bench_template_streams;
            """);
        // Fresh statistics before anything reads the history back (the planner otherwise guesses from an empty table).
        await stage.ExecuteAsync("analyze {schema}.mt_events; analyze {schema}.mt_streams; analyze {schema}.mt_doc_eventseal; analyze {schema}.mt_doc_requestreceipt; analyze {schema}.mt_doc_inboxentry; analyze {schema}.mt_doc_requestview; analyze {schema}.mt_doc_auditentry;");
        return (await stage.ScalarAsync("select count(*) from {schema}.mt_events"), await stage.ScalarAsync("select count(*) from {schema}.mt_streams"));
    }
}
