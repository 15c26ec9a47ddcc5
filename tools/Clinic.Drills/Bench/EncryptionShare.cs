namespace Clinic.Drills.Bench;

/// <summary>What encryption at rest costs intake, from the encryption's CPU time per submission and the intake rate measured in the same run.</summary>
internal static class EncryptionShare
{
    /// <summary>
    /// The submissions/s the host would reach if encryption cost nothing, assuming intake is CPU-bound on
    /// <paramref name="cores"/> cores (so an upper bound: intake also waits on PostgreSQL's commits).
    /// </summary>
    public static double RateWithout(double measuredPerSecond, double encryptionSeconds, int cores)
    {
        if (measuredPerSecond <= 0 || cores <= 0)
        {
            return 0;
        }

        var perSubmission = 1 / measuredPerSecond - encryptionSeconds / cores;
        return perSubmission <= 0 ? double.PositiveInfinity : 1 / perSubmission;
    }

    /// <summary>The share of the host's CPU that encryption takes at the measured rate.</summary>
    public static double CpuShare(double measuredPerSecond, double encryptionSeconds, int cores) =>
        cores <= 0 ? 0 : Math.Min(1, measuredPerSecond * encryptionSeconds / cores);
}
