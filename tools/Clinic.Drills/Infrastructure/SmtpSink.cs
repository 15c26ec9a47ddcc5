using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Infrastructure;

internal sealed record Receipt(string Reference, string Recipient, string DeliveryId);

/// <summary>
/// A real SMTP server (Debian's aiosmtpd) writing every accepted message to a Maildir, which this drill
/// can take down and bring back like a mail relay outage.
/// </summary>
internal sealed partial class SmtpSink(string maildir) : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = Shell.FreePort();

    public async Task StartAsync()
    {
        foreach (var folder in new[] { "tmp", "new", "cur" })
        {
            Directory.CreateDirectory(Path.Combine(maildir, folder));
        }

        // Its output goes to a file: an unread pipe would fill up and stall the server mid-conversation.
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList =
            {
                "-c", "exec /usr/bin/python3 -m aiosmtpd -n -l \"127.0.0.1:$0\" -c aiosmtpd.handlers.Mailbox \"$1\" >>\"$1.log\" 2>&1",
                Port.ToString(System.Globalization.CultureInfo.InvariantCulture), maildir,
            },
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        await Shell.WaitForPortAsync(Port, TimeSpan.FromSeconds(20));
    }

    /// <summary>Killed, not stopped: the relay vanishes mid-conversation, as in a real outage.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Every message the sink accepted, by the reference in its subject.</summary>
    public IReadOnlyList<Receipt> Read()
    {
        var receipts = new List<Receipt>();
        foreach (var folder in new[] { "new", "cur" }.Select(f => Path.Combine(maildir, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var headers = File.ReadLines(file).TakeWhile(line => line.Length > 0).ToList();
                string Header(string name) =>
                    headers.FirstOrDefault(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim() ?? "";
                var reference = ReferencePattern().Match(Header("Subject"));
                receipts.Add(new Receipt(reference.Success ? reference.Value : "", Header("X-RcptTo"), Header("Message-ID")));
            }
        }

        return receipts;
    }

    /// <summary>When each of these references' e-mails reached the sink (the message file's write time), for those that have.</summary>
    public Dictionary<string, DateTime> ReceivedAt(IReadOnlySet<string> references)
    {
        var received = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var folder in new[] { "new", "cur" }.Select(f => Path.Combine(maildir, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var subject = File.ReadLines(file).TakeWhile(line => line.Length > 0)
                    .FirstOrDefault(h => h.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase)) ?? "";
                if (ReferencePattern().Match(subject) is { Success: true } reference && references.Contains(reference.Value))
                {
                    received.TryAdd(reference.Value, File.GetLastWriteTimeUtc(file));
                }
            }
        }

        return received;
    }

    /// <summary>As <see cref="ReceivedAt"/>, for messages found by a token anywhere in them (a peer's mail names no Clinic reference).</summary>
    public Dictionary<string, DateTime> ReceivedAt(IReadOnlySet<string> tokens, Regex token)
    {
        var received = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var folder in new[] { "new", "cur" }.Select(f => Path.Combine(maildir, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                if (token.Match(File.ReadAllText(file)) is { Success: true } found && tokens.Contains(found.Value))
                {
                    received.TryAdd(found.Value, File.GetLastWriteTimeUtc(file));
                }
            }
        }

        return received;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    [GeneratedRegex("KC-[0-9A-Z]{5}-[0-9A-Z]{5}")]
    private static partial Regex ReferencePattern();
}
