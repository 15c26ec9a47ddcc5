using System.Text;
using System.Text.Json;

namespace Clinic.Modules.Intake.Privacy;

/// <summary>One line of the erasure journal: which request, why, by whom, when. No personal data.</summary>
/// <param name="Stage">"erasing" (written before the key is destroyed) or "purged" (every copy removed).</param>
internal sealed record ErasureJournalEntry(Guid RequestId, string Stage, string Reason, string By, string? ApprovedBy, DateTimeOffset At);

/// <summary>
/// An append-only file of erased requests, kept outside the database (<c>Privacy:ErasureJournal</c>). A database
/// restored to a point before an erasure holds the erasure's undoing: the request's data key, the plain-text copies,
/// no <c>PersonalDataErased</c> event. The journal survives that restore, and every host start re-applies it
/// (<see cref="ErasureJournalReplay"/>), so an erasure once made stays made. Each line is flushed to the disk before
/// the key is destroyed: a crash after the line leaves an erasure the next start completes, never one forgotten.
/// </summary>
internal sealed class ErasureJournal(string path)
{
    public const string PathKey = "Privacy:ErasureJournal";
    public const string Erasing = "erasing";
    public const string Purged = "purged";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task AppendAsync(ErasureJournalEntry entry, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // FileShare.None takes an exclusive lock, so two hosts sharing the file never interleave lines.
                    await using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
                    await file.WriteAsync(line, cancellationToken);
                    file.Flush(flushToDisk: true);
                    return;
                }
                catch (IOException) when (attempt < 50)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every entry, oldest first; a torn last line (a crash mid-write) is skipped, as its erasure never began.</summary>
    public async Task<IReadOnlyList<ErasureJournalEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        var entries = new List<ErasureJournalEntry>();
        await using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<ErasureJournalEntry>(line, Json) is { RequestId: var id } entry && id != Guid.Empty)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
            }
        }

        return entries;
    }
}
