using System.Diagnostics;
using System.Net.Sockets;

namespace Clinic.Drills.Infrastructure;

/// <summary>Runs operator commands (rabbitmqctl, pg_ctlcluster, deploy/local/backup.sh) and signals processes.</summary>
internal static class Shell
{
    public static Task<string> RunAsync(string command, params string[] args) => RunCoreAsync(null, command, args);

    /// <summary>As <see cref="RunAsync"/>, and everything the command printed (both streams) is appended to <paramref name="log"/>.</summary>
    public static Task<string> RunLoggedAsync(string log, string command, params string[] args) => RunCoreAsync(log, command, args);

    private static async Task<string> RunCoreAsync(string? log, string command, string[] args)
    {
        var asRoot = Environment.UserName != "root"
            && (command is "rabbitmqctl" or "pg_ctlcluster" or "pg_lsclusters" or "pg_createcluster" or "pg_dropcluster" or "runuser"
                || Path.GetFileName(command) is "backup.sh" or "restore.sh");
        var start = new ProcessStartInfo(asRoot ? "sudo" : command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asRoot)
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(command);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (log is not null)
        {
            await File.AppendAllTextAsync(log, $"$ {command} {string.Join(' ', args)}{Environment.NewLine}{await output}{await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>SIGTERM: the polite stop a service manager sends.</summary>
    public static Task TerminateAsync(int pid) => RunAsync("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
