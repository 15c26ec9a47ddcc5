using System.Security.Cryptography;
using System.Text;
using Clinic.Drills.Bench;
using Clinic.Modules.Intake.Privacy;
using Microsoft.Extensions.Options;

namespace Clinic.UnitTests;

public sealed class PersonalDataEncryptionTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string IndexKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Data_encrypted_under_a_data_key_reads_back_only_with_that_key_for_that_request()
    {
        var key = Envelope.NewDataKey();
        var requestId = Guid.NewGuid();
        var sealedData = Envelope.Encrypt(key, "Ada Lovelace, +1 555 010 4242"u8, Envelope.ContactPurpose(requestId));

        Assert.DoesNotContain("Lovelace", Encoding.UTF8.GetString(Convert.FromBase64String(sealedData.Ciphertext)), StringComparison.Ordinal);
        Assert.Equal("Ada Lovelace, +1 555 010 4242", Encoding.UTF8.GetString(Envelope.Decrypt(key, sealedData, Envelope.ContactPurpose(requestId))));
        Assert.ThrowsAny<CryptographicException>(() => Envelope.Decrypt(Envelope.NewDataKey(), sealedData, Envelope.ContactPurpose(requestId)));
        // Bound to its request: copied into another request's event, it does not decrypt.
        Assert.ThrowsAny<CryptographicException>(() => Envelope.Decrypt(key, sealedData, Envelope.ContactPurpose(Guid.NewGuid())));
        var tampered = sealedData with { Ciphertext = Convert.ToBase64String(Convert.FromBase64String(sealedData.Ciphertext).Select((b, i) => i == 0 ? (byte)(b ^ 1) : b).ToArray()) };
        Assert.ThrowsAny<CryptographicException>(() => Envelope.Decrypt(key, tampered, Envelope.ContactPurpose(requestId)));
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var key = Envelope.NewDataKey();
        var first = Envelope.Encrypt(key, "same"u8, "p");
        var second = Envelope.Encrypt(key, "same"u8, "p");
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
    }

    [Fact]
    public void A_data_key_wrapped_before_a_master_key_rotation_unwraps_after_it_and_rewrapped_needs_only_the_new_key()
    {
        var requestId = Guid.NewGuid();
        var dataKey = Envelope.NewDataKey();
        var before = Ring(("k1", KeyA), "k1");
        var row = new RequestDataKey { Id = requestId, MasterKeyId = before.ActiveId, WrappedKey = before.Wrap(requestId, dataKey) };

        var during = Ring(("k1", KeyA), ("k2", KeyB), "k2");
        Assert.Equal(dataKey, during.Unwrap(row));
        var rewrapped = new RequestDataKey { Id = requestId, MasterKeyId = during.ActiveId, WrappedKey = during.Wrap(requestId, during.Unwrap(row)) };

        var after = Ring(("k2", KeyB), "k2");
        Assert.Equal(dataKey, after.Unwrap(rewrapped));
        var missing = Assert.Throws<InvalidOperationException>(() => after.Unwrap(row));
        Assert.Contains("'k1'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("privacy rewrap", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  Ada.Lovelace@Example.COM ", "ada.lovelace@example.com")]
    [InlineData("ada@example.com", "ADA@EXAMPLE.COM")]
    public void The_blind_index_finds_an_email_address_however_it_was_typed(string one, string other)
    {
        var index = new BlindIndex(Convert.FromBase64String(IndexKey));
        Assert.Equal(index.Email(one), index.Email(other));
        // The index is a keyed hash: no part of the address survives (three letters could, by chance, be hex digits).
        Assert.DoesNotContain("@", index.Email(one), StringComparison.Ordinal);
        Assert.DoesNotContain("example", index.Email(one), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("+1 (555) 010-4242", "+15550104242")]
    [InlineData(" 555.010.4242 ", "555-010-4242")]
    public void The_blind_index_finds_a_phone_number_however_it_was_typed(string one, string other)
    {
        var index = new BlindIndex(Convert.FromBase64String(IndexKey));
        Assert.Equal(index.Phone(one), index.Phone(other));
    }

    [Fact]
    public void The_blind_index_is_keyed_and_tells_numbers_with_and_without_country_code_apart()
    {
        var index = new BlindIndex(Convert.FromBase64String(IndexKey));
        Assert.NotEqual(index.Phone("+15550104242"), index.Phone("15550104242"));
        Assert.NotEqual(index.Email("ada@example.com"), new BlindIndex(Convert.FromBase64String(KeyA)).Email("ada@example.com"));
        Assert.NotEqual(index.Email("x@example.com"), index.Phone("x@example.com"));
    }

    [Fact]
    public void Valid_keys_pass_the_startup_check()
    {
        var result = Validate(new PrivacyOptions { MasterKeys = new() { ["k1"] = KeyA }, ActiveMasterKey = "k1", BlindIndexKey = IndexKey });
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Without_any_key_the_host_stops_and_names_the_settings_to_give()
    {
        var result = Validate(new PrivacyOptions());
        Assert.True(result.Failed);
        Assert.Contains("Privacy:MasterKeys:<id>", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Privacy:ActiveMasterKey", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Privacy:BlindIndexKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!", "k1", "Privacy:MasterKeys:k1: must be 32 random bytes")]
    [InlineData("AAAA", "k1", "Privacy:MasterKeys:k1: must be 32 random bytes")]
    [InlineData(null, "k9", "Privacy:ActiveMasterKey 'k9' is not among the master keys (k1)")]
    public void A_malformed_master_key_setting_is_named(string? value, string active, string expected)
    {
        var result = Validate(new PrivacyOptions { MasterKeys = new() { ["k1"] = value ?? KeyA }, ActiveMasterKey = active, BlindIndexKey = IndexKey });
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_blind_index_key_must_differ_from_every_master_key()
    {
        var result = Validate(new PrivacyOptions { MasterKeys = new() { ["k1"] = KeyA }, ActiveMasterKey = "k1", BlindIndexKey = KeyA });
        Assert.Contains("Privacy:BlindIndexKey must differ", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Master_keys_can_come_from_a_key_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["# rotated 2026-12", $"old={KeyA}", "", $"new = {KeyB}"]);
            var options = new PrivacyOptions { MasterKeyFile = file, ActiveMasterKey = "new", BlindIndexKey = IndexKey };
            Assert.True(Validate(options).Succeeded);
            var ring = new MasterKeyRing(Options.Create(options));
            var requestId = Guid.NewGuid();
            var dataKey = Envelope.NewDataKey();
            Assert.Equal(dataKey, ring.Unwrap(new RequestDataKey { Id = requestId, MasterKeyId = "new", WrappedKey = ring.Wrap(requestId, dataKey) }));

            File.WriteAllLines(file, ["old"]);
            Assert.Contains("Privacy:MasterKeyFile line 1: expected id=base64", Validate(options).FailureMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("does not exist", Validate(new PrivacyOptions { MasterKeyFile = file, ActiveMasterKey = "new", BlindIndexKey = IndexKey }).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bench_sets_the_encryption_cost_against_the_intake_rate_of_the_same_run()
    {
        // 1,000/s on 2 cores is 2 ms of CPU per submission; 100 µs of it encryption leaves 1.9 ms: about 1,053/s.
        Assert.Equal(1000 / 0.95, EncryptionShare.RateWithout(1000, 100e-6, 2), 6);
        Assert.Equal(0.05, EncryptionShare.CpuShare(1000, 100e-6, 2), 6);
        Assert.Equal(0, EncryptionShare.RateWithout(0, 100e-6, 2));
        Assert.Equal(1, EncryptionShare.CpuShare(1e9, 1, 1));
    }

    private static ValidateOptionsResult Validate(PrivacyOptions options) => new PrivacyOptionsValidator().Validate(null, options);

    private static MasterKeyRing Ring(params object[] setup)
    {
        var keys = setup.OfType<(string, string)>().ToDictionary(k => k.Item1, k => k.Item2);
        return new MasterKeyRing(Options.Create(new PrivacyOptions { MasterKeys = keys, ActiveMasterKey = (string)setup.Last(), BlindIndexKey = IndexKey }));
    }
}
