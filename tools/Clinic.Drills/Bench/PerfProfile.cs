using System.Diagnostics;
using System.Globalization;
using System.Text;
using Clinic.Drills.Infrastructure;

namespace Clinic.Drills.Bench;

/// <summary>
/// A system-wide <c>perf record -a -g</c> over one load phase, and the summary that says where the CPU went: each
/// process's share (the host, PostgreSQL, RabbitMQ, the SMTP sink, the load driver, the rest of the machine), then the
/// host's and PostgreSQL's top symbols and call stacks, and every stack folded (<c>perf.folded</c>, one line per
/// distinct stack with its sample count: the input any flame-graph renderer takes). The host must run with
/// <see cref="HostSettings"/> so its JIT-compiled frames have names.
/// </summary>
internal sealed class PerfProfile
{
    /// <summary>Perf map files for JIT-compiled code; W^X off, or perf cannot read code the runtime remaps.</summary>
    public static readonly IReadOnlyDictionary<string, string> HostSettings = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    /// <summary>Samples per second per core: enough for a clear picture over 10–20 s, little cost to the load it watches.</summary>
    private const int Frequency = 499;

    private readonly string _directory;
    private readonly Process _record;

    private PerfProfile(string directory, Process record) => (_directory, _record) = (directory, record);

    private string Data => Path.Combine(_directory, "perf.data");

    /// <summary>Starts recording every CPU for <paramref name="duration"/>; <see cref="FinishAsync"/> waits for the end and summarises.</summary>
    public static PerfProfile Start(string directory, TimeSpan duration)
    {
        Directory.CreateDirectory(directory);
        var start = Perf("record", "-a", "-g", "-F", Frequency.ToString(CultureInfo.InvariantCulture), "-o", Path.Combine(directory, "perf.data"),
            "--", "sleep", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var record = Process.Start(start) ?? throw new InvalidOperationException("Could not start perf (apt-get install linux-perf).");
        return new PerfProfile(directory, record);
    }

    /// <summary>Waits for the recording, then writes summary.txt and perf.folded beside perf.data; returns the summary's path.</summary>
    public async Task<string> FinishAsync(int hostPid)
    {
        var recordError = _record.StandardError.ReadToEndAsync();
        await _record.StandardOutput.ReadToEndAsync();
        await _record.WaitForExitAsync();
        if (_record.ExitCode != 0)
        {
            throw new InvalidOperationException($"perf record exited with {_record.ExitCode}: {await recordError}");
        }

        // Names while the processes still run: perf's comm is a thread's name (".NET TP Worker"), not its process's.
        var names = new Dictionary<int, string>();
        string Name(int pid)
        {
            if (!names.TryGetValue(pid, out var name))
            {
                names[pid] = name = Classify(pid, hostPid);
            }

            return name;
        }

        var samples = new Dictionary<string, long>(StringComparer.Ordinal);
        var folded = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        await foreach (var (pid, frames) in StacksAsync())
        {
            var process = Name(pid);
            samples[process] = samples.GetValueOrDefault(process) + 1;
            total++;
            // The pipeline's processes only: the rest of the machine is one line of the share above, not megabytes of stacks.
            if (!process.StartsWith(Other, StringComparison.Ordinal))
            {
                var stack = process + (frames.Count > 0 ? ";" + string.Join(';', Enumerable.Reverse(frames)) : "");
                folded[stack] = folded.GetValueOrDefault(stack) + 1;
            }
        }

        await File.WriteAllLinesAsync(
            Path.Combine(_directory, "perf.folded"),
            folded.OrderByDescending(s => s.Value).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value}")));

        var summary = new StringBuilder();
        summary.AppendLine(CultureInfo.InvariantCulture, $"perf record -a -g -F {Frequency}: {total:N0} samples over every CPU ({Environment.ProcessorCount} cores).");
        summary.AppendLine();
        summary.AppendLine("CPU share by process (of all samples, idle included):");
        foreach (var (process, count) in samples.OrderByDescending(s => s.Value))
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"  {100.0 * count / Math.Max(1, total),6:0.0} %  {process}");
        }

        var postgres = names.Where(n => n.Value == PostgresName).Select(n => n.Key.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var (title, pids) in new[] { ("The host", new List<string> { hostPid.ToString(CultureInfo.InvariantCulture) }), ("PostgreSQL", postgres) })
        {
            if (pids.Count == 0)
            {
                continue;
            }

            summary.AppendLine();
            var only = new[] { "--pid", string.Join(',', pids), "--percentage", "relative" };
            summary.AppendLine(CultureInfo.InvariantCulture, $"{title}: share by library (libcoreclr.so is the runtime and GC, [JIT] the compiled .NET code; % of its samples):");
            summary.AppendLine(Trim(await Report([.. only, "--sort", "dso", "-g", "none", "--percent-limit", "1"]), 15));
            summary.AppendLine(CultureInfo.InvariantCulture, $"{title}: top symbols (self time, % of its samples):");
            summary.AppendLine(Trim(await Report([.. only, "--sort", "dso,sym", "-g", "none", "--percent-limit", "0.5"]), 40));
            summary.AppendLine(CultureInfo.InvariantCulture, $"{title}: call stacks of its hottest symbols (callers):");
            summary.AppendLine(Trim(await Report([.. only, "--sort", "sym", "-g", "caller,1,callee,function,percent", "--percent-limit", "1"]), 120));
        }

        var path = Path.Combine(_directory, "summary.txt");
        await File.WriteAllTextAsync(path, summary.ToString());
        return path;
    }

    private const string PostgresName = "postgres";

    private const string Other = "other";

    private static string Classify(int pid, int hostPid)
    {
        if (pid == 0)
        {
            return "idle (swapper)";
        }

        if (pid == hostPid)
        {
            return "host (Clinic.Host)";
        }

        if (pid == Environment.ProcessId)
        {
            return "load driver (Clinic.Drills)";
        }

        string Read(string file)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/{file}").Replace('\0', ' ').Trim();
            }
            catch (IOException)
            {
                return "";
            }
            catch (UnauthorizedAccessException)
            {
                return "";
            }
        }

        var comm = Read("comm");
        var commandLine = Read("cmdline");
        return comm switch
        {
            "postgres" => PostgresName,
            "beam.smp" or "epmd" or "erl_child_setup" or "inet_gethost" => "rabbitmq (beam.smp)",
            _ when commandLine.Contains("aiosmtpd", StringComparison.Ordinal) => "smtp sink (aiosmtpd)",
            "perf" => "perf itself",
            "" => Other + " (exited before the summary)",
            "dotnet" => $"{Other}: dotnet {Path.GetFileName(commandLine.Split(' ').Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal)) ?? "")}",
            _ => $"{Other}: {comm}",
        };
    }

    /// <summary>Each sample's process id and frames, innermost first, from <c>perf script</c>.</summary>
    private async IAsyncEnumerable<(int Pid, List<string> Frames)> StacksAsync()
    {
        var start = Perf("script", "-i", Data, "-F", "pid,comm,ip,sym,dso");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var script = Process.Start(start) ?? throw new InvalidOperationException("Could not start perf script.");
        var errors = script.StandardError.ReadToEndAsync();
        int? pid = null;
        var frames = new List<string>();
        while (await script.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (pid is { } done)
                {
                    yield return (done, frames);
                }

                (pid, frames) = (null, []);
            }
            else if (line[0] != '\t' && line[0] != ' ' || pid is null)
            {
                // "comm pid": the thread's name may hold spaces, the id is the last word.
                var last = line.TrimEnd().LastIndexOf(' ');
                pid = int.TryParse(line.AsSpan(last + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1;
            }
            else
            {
                frames.Add(Frame(line));
            }
        }

        if (pid is { } final)
        {
            yield return (final, frames);
        }

        await script.WaitForExitAsync();
        _ = await errors;
    }

    /// <summary>"ip symbol (dso)" to the symbol, or the library's name where perf has no symbol; ';' would split a folded stack.</summary>
    private static string Frame(string line)
    {
        var text = line.Trim();
        var space = text.IndexOf(' ');
        text = space < 0 ? text : text[(space + 1)..];
        var dsoStart = text.LastIndexOf(" (", StringComparison.Ordinal);
        var symbol = dsoStart < 0 ? text : text[..dsoStart];
        if (symbol == "[unknown]" && dsoStart >= 0)
        {
            symbol = "[" + Path.GetFileName(text[(dsoStart + 2)..].TrimEnd(')')) + "]";
        }

        return symbol.Replace(';', ',');
    }

    private async Task<string> Report(params string[] arguments)
    {
        var start = Perf(["report", "-i", Data, "--stdio", "--no-children", .. arguments]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var report = Process.Start(start) ?? throw new InvalidOperationException("Could not start perf report.");
        var errors = report.StandardError.ReadToEndAsync();
        var output = await report.StandardOutput.ReadToEndAsync();
        await report.WaitForExitAsync();
        _ = await errors;
        return output;
    }

    /// <summary>perf report's lines without its comment header and blank lines, at most <paramref name="lines"/> of them.</summary>
    private static string Trim(string report, int lines)
    {
        var kept = report.Split('\n').Where(l => l.Trim().Length > 0 && !l.StartsWith('#') && l.Trim() != "|").ToList();
        return string.Join('\n', kept.Take(lines)) + (kept.Count > lines ? $"\n  … {kept.Count - lines} more lines (perf report on perf.data)" : "") + "\n";
    }

    private static ProcessStartInfo Perf(params string[] arguments)
    {
        // Recording every CPU needs root (or perf_event_paranoid ≤ 0); the bench machines run the drills as root.
        var asRoot = Environment.UserName != "root";
        var start = new ProcessStartInfo(asRoot ? "sudo" : "perf");
        foreach (var argument in (string[])(asRoot ? ["-n", "perf", .. arguments] : arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

/// <summary>
/// A short profile of the pipeline alone (`Clinic.Drills profile`): a host as the bench starts it, warmed up, then
/// <see cref="PerfProfile"/> over submissions at a fixed rate, each of which e-mails staff. Cheaper than a bench run
/// when only the "why" of the pipeline's cost is wanted.
/// </summary>
internal static class ProfileRun
{
    public static async Task<string> RunAsync(DrillSettings settings, int rate, TimeSpan duration, Action<string> progress)
    {
        await using var stage = await DrillStage.CreateAsync(settings, "profile");
        var host = await stage.StartHostAsync("profile-host", new Dictionary<string, string>(BenchRun.HostSettings.Concat(PerfProfile.HostSettings)));
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        progress("warming up: 50 requests/s for 10 s");
        await OpenLoop.RunAsync(host.BaseAddress, 50, TimeSpan.FromSeconds(10), run + "-warm");
        var hostPid = host.ProcessId ?? throw new InvalidOperationException("The host is not running.");
        progress($"recording: {rate} requests/s for {duration.TotalSeconds:0} s, submission → staff e-mail");
        var profile = PerfProfile.Start(stage.Directory, duration);
        var load = await OpenLoop.RunAsync(host.BaseAddress, rate, duration, run + "-profile");
        progress($"{load.Accepted.Count} of {load.Sent} accepted{(load.Failures.Count == 0 ? "" : " (" + string.Join(", ", load.Failures.Select(f => $"{f.Key} ×{f.Value}")) + ")")}; summarising");
        var summary = await profile.FinishAsync(hostPid);
        await host.StopAsync();
        return summary;
    }
}
