using System.Globalization;

namespace Clinic.Drills.Bench;

/// <summary>
/// CPU time (user + system) from /proc, in seconds: of one process and its descendants, or of every PostgreSQL
/// process. A backend that exits during a phase is not lost: the postmaster's reaped-children time includes it.
/// </summary>
internal static class CpuMeter
{
    /// <summary>Linux reports these times in USER_HZ, which is 100 on every architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    private sealed record Stat(int Pid, int Parent, string Name, long Used, long ChildrenUsed);

    /// <summary>A process, its descendants, and the children it has already reaped.</summary>
    public static double TreeSeconds(int pid)
    {
        var all = Read().ToList();
        var tree = new HashSet<int> { pid };
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var stat in all.Where(s => !tree.Contains(s.Pid) && tree.Contains(s.Parent)))
            {
                grown |= tree.Add(stat.Pid);
            }
        }

        var root = all.FirstOrDefault(s => s.Pid == pid);
        return (all.Where(s => tree.Contains(s.Pid)).Sum(s => s.Used) + (root?.ChildrenUsed ?? 0)) / TicksPerSecond;
    }

    /// <summary>
    /// Every process named postgres on the machine (the postmaster, its backends and background workers), plus the
    /// postmaster's reaped children. Other users of the same server count too: run the bench alone.
    /// </summary>
    public static double PostgresSeconds() => NamedSeconds("postgres");

    /// <summary>Every process of that name (e.g. "beam.smp", RabbitMQ's runtime), plus the children the eldest have reaped.</summary>
    public static double NamedSeconds(string name)
    {
        var postgres = Read().Where(s => s.Name == name).ToList();
        var pids = postgres.Select(s => s.Pid).ToHashSet();
        return postgres.Sum(s => s.Used + (pids.Contains(s.Parent) ? 0 : s.ChildrenUsed)) / TicksPerSecond;
    }

    /// <summary>A process's tree (the host) and the shared services' CPU seconds at one moment.</summary>
    public static CpuSample Take(int pid) => new(TreeSeconds(pid), PostgresSeconds(), NamedSeconds("beam.smp"));

    private static IEnumerable<Stat> Read()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // Exited meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (name) state ppid …": the name may hold spaces and parentheses, so split after the last ')'.
            var close = text.LastIndexOf(')');
            var open = text.IndexOf('(', StringComparison.Ordinal);
            var fields = text[(close + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            yield return new Stat(pid, (int)Field(4), text[(open + 1)..close], Field(14) + Field(15), Field(16) + Field(17));
        }
    }
}

/// <summary>CPU seconds at one moment, to subtract from a later one.</summary>
internal sealed record CpuSample(double Host, double Postgres, double RabbitMq)
{
    public static CpuSample Take(int hostPid) => CpuMeter.Take(hostPid);

    /// <summary>Milliseconds per request used since this sample, over <paramref name="requests"/> requests.</summary>
    public CpuPerRequest Since(int hostPid, long requests)
    {
        var now = CpuMeter.Take(hostPid);
        var n = Math.Max(1, requests);
        return new CpuPerRequest(requests, (now.Host - Host) * 1000 / n, (now.Postgres - Postgres) * 1000 / n, (now.RabbitMq - RabbitMq) * 1000 / n);
    }
}

internal sealed record CpuPerRequest(long Requests, double HostMs, double PostgresMs, double RabbitMqMs)
{
    public double TotalMs => HostMs + PostgresMs;

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"host {HostMs:0.00} + PostgreSQL {PostgresMs:0.00} = {TotalMs:0.00} ms ({Requests:N0} requests)");
}
