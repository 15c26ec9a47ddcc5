using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clinic.Modules.Intake.Domain;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>
/// Events as auditors read them (pages, the JSON history, exports): encrypted personal data decrypted in place, or
/// "erased" where the request's key is gone; every other field as stored. One per page or export, remembering each
/// request's key only for that one read.
/// </summary>
internal sealed class Disclosure(PersonalDataVault vault)
{
    public const string ErasedMarker = "erased";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<Guid, byte[]?> _keys = [];

    /// <summary>The event's data to show: the event itself when it holds nothing encrypted, otherwise a JSON object.</summary>
    public async Task<object> ShowAsync(Guid requestId, object data, CancellationToken cancellationToken)
    {
        switch (data)
        {
            case RequestSubmitted { Personal: not null }:
            case SuspectedSpamReceived { Personal: not null }:
                var arrival = Arrival.Of(data)!;
                var node = JsonSerializer.SerializeToNode(data, data.GetType(), Json)!.AsObject();
                node.Remove("personal");
                node["request"] = await KeyAsync(requestId, cancellationToken) is { } key
                    ? JsonSerializer.SerializeToNode(PersonalDataVault.Decrypt(key, arrival), Json)
                    : ErasedMarker;
                return node;
            case NoteAdded { SealedText: { } sealedText }:
                var note = JsonSerializer.SerializeToNode(data, data.GetType(), Json)!.AsObject();
                note.Remove("sealedText");
                note["text"] = await KeyAsync(requestId, cancellationToken) is { } noteKey
                    ? Encoding.UTF8.GetString(Envelope.Decrypt(noteKey, sealedText, Envelope.NotePurpose(requestId)))
                    : ErasedMarker;
                return note;
            case RequestDeclined { SealedReason: { } sealedReason }:
                var decline = JsonSerializer.SerializeToNode(data, data.GetType(), Json)!.AsObject();
                decline.Remove("sealedReason");
                decline["reason"] = await KeyAsync(requestId, cancellationToken) is { } declineKey
                    ? Encoding.UTF8.GetString(Envelope.Decrypt(declineKey, sealedReason, Envelope.NotePurpose(requestId)))
                    : ErasedMarker;
                return decline;
            default:
                return data;
        }
    }

    private async Task<byte[]?> KeyAsync(Guid requestId, CancellationToken cancellationToken)
    {
        if (!_keys.TryGetValue(requestId, out var key))
        {
            key = _keys[requestId] = await vault.DataKeyAsync(requestId, cancellationToken);
        }

        return key;
    }
}
