using System.Diagnostics;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// One published Clinic host, run as its own process the way an operator runs it. Its output is appended
/// to a log file, so a drill leaves evidence of every start, crash and recovery.
/// </summary>
internal sealed class ClinicHost(string name, string hostDll, IReadOnlyDictionary<string, string> environment, string logPath) : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _process;

    public string Name { get; } = name;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{Shell.FreePort()}/");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The running host's process id, for reading its CPU time from /proc.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The host process's peak resident set size so far (VmHWM), in bytes; null when it is not running.</summary>
    public long? PeakResidentBytes()
    {
        if (_process is not { HasExited: false } process)
        {
            return null;
        }

        var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public Task MigrateAsync() => RunToEndAsync("migrate");

    /// <summary>Runs an operator command (e.g. "audit verify") with this host's configuration; true when it exits 0.</summary>
    public async Task<bool> CommandSucceedsAsync(string arguments)
    {
        using var process = Launch(arguments);
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    /// <summary>Runs an operator command to its end and returns its exit code and what it printed (also kept in the log).</summary>
    /// <param name="input">Written to the command's standard input (e.g. a password for "users add"), which is then closed.</param>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(string arguments, string? input = null)
    {
        var before = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
        using var process = Launch(arguments, redirectInput: input is not null);
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync();
        await using var log = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        log.Seek(before, SeekOrigin.Begin);
        return (process.ExitCode, await new StreamReader(log).ReadToEndAsync());
    }

    public async Task StartAsync()
    {
        _process = Launch($"--urls {BaseAddress.ToString().TrimEnd('/')}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited during startup with {_process.ExitCode}; see {logPath}.");
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(BaseAddress, "health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready within 90 s; see {logPath}.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, in-flight work abandoned mid-step.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await Shell.TerminateAsync(process.Id);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    private async Task RunToEndAsync(string arguments)
    {
        using var process = Launch(arguments);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Name} {arguments} exited with {process.ExitCode}; see {logPath}.");
        }
    }

    private Process Launch(string arguments, bool redirectInput = false)
    {
        // exec keeps one process: a kill reaches the host itself, not a wrapping shell.
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"exec dotnet \"$0\" {arguments} >>\"$1\" 2>&1", hostDll, logPath },
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardInput = redirectInput,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        File.AppendAllText(logPath, $"{Environment.NewLine}===== {DateTimeOffset.UtcNow:O} {Name}: {arguments} ====={Environment.NewLine}");
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
    }
}
