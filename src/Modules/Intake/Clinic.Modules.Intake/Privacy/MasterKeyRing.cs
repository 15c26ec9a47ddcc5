using Microsoft.Extensions.Options;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>The master keys (validated), which wrap and unwrap data keys, and the blind index's key.</summary>
internal sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    public MasterKeyRing(IOptions<PrivacyOptions> options)
    {
        var settings = options.Value;
        _keys = settings.Load().Keys;
        ActiveId = settings.ActiveMasterKey!;
        PrivacyOptions.TryKey(settings.BlindIndexKey, out var indexKey);
        Index = new BlindIndex(indexKey);
    }

    public string ActiveId { get; }

    public BlindIndex Index { get; }

    public string Wrap(Guid requestId, byte[] dataKey)
    {
        var wrapped = Envelope.Encrypt(_keys[ActiveId], dataKey, Envelope.WrapPurpose(requestId, ActiveId));
        return $"{wrapped.Nonce}.{wrapped.Ciphertext}.{wrapped.Tag}";
    }

    /// <exception cref="InvalidOperationException">The master key that wrapped it is no longer configured.</exception>
    public byte[] Unwrap(RequestDataKey row)
    {
        if (!_keys.TryGetValue(row.MasterKeyId, out var master))
        {
            throw new InvalidOperationException(
                $"A data key is wrapped under master key '{row.MasterKeyId}', which is not configured: add it back under {PrivacyOptions.Section}:MasterKeys, run 'privacy rewrap', then remove it.");
        }

        var parts = row.WrappedKey.Split('.');
        return Envelope.Decrypt(master, new Domain.EncryptedPersonalData(parts[0], parts[1], parts[2]), Envelope.WrapPurpose(row.Id, row.MasterKeyId));
    }
}
