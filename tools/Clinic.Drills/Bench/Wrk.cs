using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Bench;

/// <summary>What one wrk run reported.</summary>
internal sealed record WrkResult(long Requests, long NonSuccess, double Seconds, double RequestsPerSecond, double P50Ms, double P99Ms, int SocketErrors)
{
    /// <summary>Answers in the 2xx/3xx range, per second of the run.</summary>
    public double SucceededPerSecond => (Requests - NonSuccess) / Seconds;
}

/// <summary>
/// Debian's wrk: a closed-loop HTTP load generator in C, run as its own process so the load never shares
/// the host's runtime. Closed loop means its latencies hide queueing (coordinated omission), so this is
/// used for capacity (requests per second), and <see cref="OpenLoop"/> for latency at a fixed offered rate.
/// </summary>
internal static partial class Wrk
{
    /// <summary>
    /// A wrk Lua script whose every request gets a key unique across threads and runs (<c>n</c>: prefix, the run given
    /// as the script's argument, the thread's number from setup(), a counter); <paramref name="request"/> builds and
    /// returns the request from <c>n</c>. Written to <paramref name="path"/>.
    /// </summary>
    public static async Task<string> PerRequestKeyScriptAsync(string path, string keyPrefix, string request)
    {
        await File.WriteAllTextAsync(path, $$"""
            -- Each wrk thread gets a number from setup(); keys are prefix-run-thread-counter, unique across threads and runs.
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("thread_number", threads)
            end
            function init(args)
              run = args[1]
              counter = 0
            end
            function request()
              counter = counter + 1
              local n = "{{keyPrefix}}" .. run .. "-" .. thread_number .. "-" .. counter
            {{request}}
            end
            """);
        return path;
    }

    public static Task<WrkResult> RunAsync(Uri url, TimeSpan duration, int connections, string? script = null, params string[] scriptArguments) =>
        RunAsync(url, duration, threads: 2, connections, script, scriptArguments);

    /// <param name="threads">wrk's -t (the bench's loads use 2).</param>
    public static async Task<WrkResult> RunAsync(Uri url, TimeSpan duration, int threads, int connections, string? script, params string[] scriptArguments)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { $"-t{threads}", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "--timeout", "10s" })
        {
            start.ArgumentList.Add(argument);
        }

        if (script is not null)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }

        start.ArgumentList.Add(url.ToString());
        if (scriptArguments.Length > 0)
        {
            start.ArgumentList.Add("--");
            foreach (var argument in scriptArguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk (apt-get install wrk).");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {error}{output}");
        }

        return Parse(output);
    }

    public static WrkResult Parse(string output)
    {
        var totals = Totals().Match(output);
        if (!totals.Success)
        {
            throw new InvalidOperationException("wrk printed no totals: " + output);
        }

        var requests = long.Parse(totals.Groups["requests"].Value, CultureInfo.InvariantCulture);
        var seconds = Duration(totals.Groups["time"].Value) / 1000;
        var nonSuccess = NonSuccess().Match(output) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socketErrors = SocketErrors().Match(output) is { Success: true } e
            ? e.Groups.Values.Skip(1).Sum(g => int.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new WrkResult(requests, nonSuccess, seconds, requests / seconds, Percentile(output, "50"), Percentile(output, "99"), socketErrors);
    }

    private static double Percentile(string output, string percent) =>
        Regex.Match(output, $@"^\s+{percent}(?:\.000)?%\s+(\S+)", RegexOptions.Multiline) is { Success: true } m ? Duration(m.Groups[1].Value) : double.NaN;

    /// <summary>wrk's durations ("812.00us", "1.20ms", "2.01s", "1.00m") in milliseconds.</summary>
    private static double Duration(string text)
    {
        var unit = UnitPattern().Match(text);
        var value = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
        return unit.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            "h" => value * 3_600_000,
            _ => throw new FormatException($"unknown wrk unit in '{text}'"),
        };
    }

    [GeneratedRegex(@"(?<requests>\d+) requests in (?<time>[\d.]+\w+),")]
    private static partial Regex Totals();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"^([\d.]+)([a-z]+)$")]
    private static partial Regex UnitPattern();
}
