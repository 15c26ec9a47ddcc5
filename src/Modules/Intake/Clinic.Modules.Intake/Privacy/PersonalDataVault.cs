using System.Text;
using System.Text.Json;
using Clinic.Modules.Intake.Domain;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Envelope encryption of visitors' personal data: each request has its own random 256-bit data key, stored
/// wrapped under a master key (<see cref="RequestDataKey"/>), and its events hold only ciphertext under it.
/// Decrypts only where a person's data is shown or sent; destroying the key erases the data everywhere it is
/// stored encrypted, while the events and their seals stay untouched. No cache of unwrapped keys: each read
/// loads its key row, so a destroy takes effect at once on every host.
/// </summary>
internal sealed class PersonalDataVault(IServiceProvider services, MasterKeyRing keys, TimeProvider time) : IPersonalData
{
    // Resolved on first use: the store builds its subscriptions (the forwarder, which needs this) while it is created.
    private IIntakeStore? _store;

    private IIntakeStore Store => _store ??= services.GetRequiredService<IIntakeStore>();

    public MasterKeyRing Keys => keys;

    /// <summary>The encrypted part of a contact request (the rest stays in clear for routing).</summary>
    private sealed record PersonalFields(
        string FirstName, string LastName, string Email, string Phone, string PreferredContact, string BestTimeToCall, string? Message);

    /// <summary>
    /// Creates the request's data key (wrapped, with its blind index) in the session's unit of work, so it commits
    /// with the request's first event or not at all, and returns the contact's personal fields under it.
    /// </summary>
    public EncryptedPersonalData Seal(IDocumentSession session, Guid requestId, ContactRequest contact)
    {
        var dataKey = Envelope.NewDataKey();
        // Stored, not inserted: a repeated submission collides on its stream in the same commit, which rolls this back.
        session.Store(new RequestDataKey
        {
            Id = requestId,
            MasterKeyId = keys.ActiveId,
            WrappedKey = keys.Wrap(requestId, dataKey),
            EmailIndex = keys.Index.Email(contact.Email),
            PhoneIndex = keys.Index.Phone(contact.Phone),
            CreatedAt = time.GetUtcNow(),
        });
        return Encrypt(dataKey, requestId, contact);
    }

    /// <summary>The encryption alone, under a given data key: what the bench measures beside <see cref="Seal"/>.</summary>
    internal static EncryptedPersonalData Encrypt(byte[] dataKey, Guid requestId, ContactRequest contact)
    {
        var fields = new PersonalFields(contact.FirstName, contact.LastName, contact.Email, contact.Phone, contact.PreferredContact, contact.BestTimeToCall, contact.Message);
        return Envelope.Encrypt(dataKey, JsonSerializer.SerializeToUtf8Bytes(fields), Envelope.ContactPurpose(requestId));
    }

    public async Task<ContactRequest?> ReadAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var session = Store.QuerySession();
        var history = await session.Events.FetchStreamAsync(requestId, token: cancellationToken);
        return history.Count == 0 ? null : await OpenAsync(session, Arrival.In(history), cancellationToken);
    }

    /// <summary>The visitor's details from an arrival already read, or null once the request's key is destroyed.</summary>
    public async Task<ContactRequest?> OpenAsync(Arrival arrival, CancellationToken cancellationToken)
    {
        if (arrival.Plaintext is { } legacy)
        {
            return legacy;
        }

        await using var session = Store.QuerySession();
        return await OpenAsync(session, arrival, cancellationToken);
    }

    private async Task<ContactRequest?> OpenAsync(IQuerySession session, Arrival arrival, CancellationToken cancellationToken)
    {
        if (arrival.Plaintext is { } legacy)
        {
            return legacy;
        }

        if (arrival.Personal is not { } personal || await DataKeyAsync(session, arrival.RequestId, cancellationToken) is not { } dataKey)
        {
            return null;
        }

        return Decrypt(dataKey, arrival);
    }

    /// <summary>The contact an arrival holds encrypted, under its request's data key.</summary>
    internal static ContactRequest Decrypt(byte[] dataKey, Arrival arrival)
    {
        var fields = JsonSerializer.Deserialize<PersonalFields>(Envelope.Decrypt(dataKey, arrival.Personal!, Envelope.ContactPurpose(arrival.RequestId)))!;
        return new ContactRequest(fields.FirstName, fields.LastName, fields.Email, fields.Phone, fields.PreferredContact,
            arrival.ConditionSlug, fields.BestTimeToCall, fields.Message, arrival.WantsAcknowledgement);
    }

    /// <summary>A reader of events for auditors, decrypting in place (see <see cref="Disclosure"/>).</summary>
    public Disclosure Disclosure() => new(this);

    /// <summary>The request's data key, unwrapped; null once destroyed.</summary>
    internal async Task<byte[]?> DataKeyAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var session = Store.QuerySession();
        return await DataKeyAsync(session, requestId, cancellationToken);
    }

    /// <summary>Staff-written text (a note, a decline's reason) under the request's data key; null when the key is destroyed (the text cannot be kept).</summary>
    public async Task<EncryptedPersonalData?> SealNoteAsync(IQuerySession session, Guid requestId, string text, CancellationToken cancellationToken) =>
        await DataKeyAsync(session, requestId, cancellationToken) is { } dataKey
            ? Envelope.Encrypt(dataKey, Encoding.UTF8.GetBytes(text), Envelope.NotePurpose(requestId))
            : null;

    /// <summary>
    /// The staff-written text of each note and decline in a history, by event id: null where the key is destroyed.
    /// Events recorded before such text was sealed carry it in plain text, and are read as they are.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string?>> OpenNotesAsync(Guid requestId, IEnumerable<IEvent> history, CancellationToken cancellationToken)
    {
        var notes = history.Where(e => StaffText(e.Data) is not null).ToList();
        var texts = new Dictionary<Guid, string?>();
        if (notes.Count == 0)
        {
            return texts;
        }

        byte[]? dataKey = null;
        if (notes.Any(e => StaffText(e.Data)!.Value.Sealed is not null))
        {
            await using var session = Store.QuerySession();
            dataKey = await DataKeyAsync(session, requestId, cancellationToken);
        }

        foreach (var e in notes)
        {
            var (plain, sealedText) = StaffText(e.Data)!.Value;
            texts[e.Id] = sealedText is not null
                ? dataKey is null ? null : Encoding.UTF8.GetString(Envelope.Decrypt(dataKey, sealedText, Envelope.NotePurpose(requestId)))
                : plain;
        }

        return texts;
    }

    /// <summary>The staff-written text an event carries, in either of its shapes (plain before sealing, sealed since).</summary>
    internal static (string? Plain, EncryptedPersonalData? Sealed)? StaffText(object data) => data switch
    {
        NoteAdded n => (n.Text, n.SealedText),
        RequestDeclined d => (d.Reason, d.SealedReason),
        _ => null,
    };

    public async Task<IReadOnlyList<Guid>> FindRequestsAsync(string? email, string? phone, CancellationToken cancellationToken)
    {
        var emailIndex = string.IsNullOrWhiteSpace(email) ? "-" : keys.Index.Email(email);
        var phoneIndex = string.IsNullOrWhiteSpace(phone) || BlindIndex.NormalisePhone(phone).Trim('+').Length == 0 ? "-" : keys.Index.Phone(phone);
        await using var session = Store.QuerySession();
        var found = await session.Query<RequestDataKey>()
            .Where(k => k.EmailIndex == emailIndex || k.PhoneIndex == phoneIndex)
            .OrderBy(k => k.CreatedAt)
            .Select(k => k.Id)
            .ToListAsync(cancellationToken);

        // Requests stored before encryption at rest hold their details in plain text in the event and have no index.
        var legacy = await session.AdvancedSql.QueryAsync<Guid>(
            $"""
            select stream_id from {Store.Options.Events.DatabaseSchemaName}.mt_events
            where type in ('intake_request_submitted', 'suspected_spam_received') and data->'Request'->>'Email' is not null
              and (lower(trim(data->'Request'->>'Email')) = ? or regexp_replace(data->'Request'->>'Phone', '[^0-9+]', '', 'g') = ?)
            order by seq_id
            """,
            cancellationToken,
            string.IsNullOrWhiteSpace(email) ? "\u0001" : BlindIndex.NormaliseEmail(email),
            string.IsNullOrWhiteSpace(phone) ? "\u0001" : BlindIndex.NormalisePhone(phone));
        return [.. legacy.Concat(found).Distinct()];
    }

    public async Task DestroyKeyAsync(Guid requestId, CancellationToken cancellationToken)
    {
        await using var session = Store.LightweightSession();
        session.Delete<RequestDataKey>(requestId);
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Re-wraps every data key not under the active master key; the events are not touched. Returns how many.</summary>
    public async Task<int> RewrapAsync(IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var done = 0;
        var rewrapped = new HashSet<Guid>();
        while (true)
        {
            await using var session = Store.LightweightSession();
            var batch = await session.Query<RequestDataKey>()
                .Where(k => k.MasterKeyId != keys.ActiveId)
                .OrderBy(k => k.Id)
                .Take(500)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return done;
            }

            if (!batch.All(k => rewrapped.Add(k.Id)))
            {
                throw new InvalidOperationException("A re-wrapped data key still reads as wrapped under its old master key; stopping rather than looping.");
            }

            // An update, never an upsert: a key destroyed meanwhile must stay destroyed, not come back re-wrapped.
            var table = Store.Options.FindOrResolveDocumentType(typeof(RequestDataKey)).TableName.QualifiedName;
            var serializer = Store.Options.Serializer();
            foreach (var row in batch)
            {
                var dataKey = keys.Unwrap(row);
                row.WrappedKey = keys.Wrap(row.Id, dataKey);
                row.MasterKeyId = keys.ActiveId;
                session.QueueSqlCommand($"update {table} set data = ?::jsonb, mt_last_modified = now() where id = ?", serializer.ToJson(row), row.Id);
            }

            await session.SaveChangesAsync(cancellationToken);
            done += batch.Count;
            progress?.Report(done);
        }
    }

    private async Task<byte[]?> DataKeyAsync(IQuerySession session, Guid requestId, CancellationToken cancellationToken) =>
        await session.LoadAsync<RequestDataKey>(requestId, cancellationToken) is { } row ? keys.Unwrap(row) : null;
}
