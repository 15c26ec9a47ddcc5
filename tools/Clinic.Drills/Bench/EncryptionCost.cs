using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Clinic.Modules.Intake.Privacy;

namespace Clinic.Drills.Bench;

/// <summary>
/// Encryption at rest cannot be switched off (a switch to store visitors' details in plain text would be a hazard in
/// production), so its cost is measured directly: the very code intake runs per submission (compiled in from Intake,
/// see Clinic.Drills.csproj), timed on one core, and set against the intake rate of the same run.
/// </summary>
internal static class EncryptionCost
{
    /// <summary>Seconds of one core per submission: a data key, its wrap, the contact under it, two blind-index hashes and the fingerprint.</summary>
    public static double SecondsPerSubmission(int iterations)
    {
        var master = Envelope.NewDataKey();
        var index = new BlindIndex(Envelope.NewDataKey());
        var contact = JsonSerializer.SerializeToUtf8Bytes(new
        {
            FirstName = "Robin",
            LastName = "Bench",
            Email = "robin.bench@example.com",
            Phone = "+1 555 010 4242",
            PreferredContact = "phone",
            BestTimeToCall = "morning",
            Message = new string('m', 400),
        });
        void Once()
        {
            var requestId = Guid.CreateVersion7();
            var dataKey = Envelope.NewDataKey();
            Envelope.Encrypt(master, dataKey, Envelope.WrapPurpose(requestId, "bench"));
            Envelope.Encrypt(dataKey, contact, Envelope.ContactPurpose(requestId));
            index.Email("robin.bench@example.com");
            index.Phone("+1 555 010 4242");
            index.Fingerprint("Robin\u001fBench\u001fROBIN.BENCH@EXAMPLE.COM\u001f+1 555 010 4242");
        }

        for (var i = 0; i < 2000; i++)
        {
            Once();
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            Once();
        }

        return clock.Elapsed.TotalSeconds / iterations;
    }

    public static BenchRow Row(double intakePerSecond, IDictionary<string, object> details)
    {
        var cost = SecondsPerSubmission(50_000);
        var cores = Environment.ProcessorCount;
        var without = EncryptionShare.RateWithout(intakePerSecond, cost, cores);
        details["encryption"] = new { microsecondsPerSubmission = cost * 1e6, intakePerSecond, estimatedWithoutPerSecond = without, cores };
        return new BenchRow(
            "What encryption costs on intake (per submission: data key, wrap, AES-GCM, 3 HMACs; one core)",
            string.Create(CultureInfo.InvariantCulture, $"{cost * 1e6:0.0} µs"),
            string.Create(CultureInfo.InvariantCulture, $"with {intakePerSecond:N0}/s; without ≤ {(double.IsInfinity(without) ? "∞" : without.ToString("N0", CultureInfo.InvariantCulture))}/s"),
            string.Create(CultureInfo.InvariantCulture, $"{EncryptionShare.CpuShare(intakePerSecond, cost, cores) * 100:0.0} % CPU"),
            "", null,
            "submissions/s after (measured above) and before (the same rate with the encryption's CPU time removed, assuming intake is CPU-bound: an upper bound)");
    }
}
