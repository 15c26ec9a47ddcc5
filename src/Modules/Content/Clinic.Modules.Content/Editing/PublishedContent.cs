using Clinic.Modules.Content.Library;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// What visitors see, as one immutable snapshot swapped whole when a publication changes it, so a page reads
/// memory and never the database. Until the store has been read it holds the shipped data files (the same
/// content the seed import publishes as version 1).
/// </summary>
internal sealed class PublishedContent
{
    private volatile Snapshot _current;
    private readonly Lock _replacing = new();
    private long _generations;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PublishedContent(ContentLibrary initial) =>
        _current = new Snapshot(initial, [], "");

    /// <param name="Fingerprint">Each published item's key and live version, to tell whether anything visitors see changed.</param>
    internal sealed record Snapshot(ContentLibrary Library, IReadOnlyList<PublishedItem> Items, string Fingerprint)
    {
        /// <summary>The replacements since start, this one included: what the caches tell kept answers apart by.</summary>
        public long Generation { get; init; }
    }

    public ContentLibrary Library => _current.Library;

    public Snapshot Current => _current;

    /// <summary>Completes at the next change.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    public void Replace(Snapshot next)
    {
        // Under the lock, two replacements cannot leave the older generation current.
        lock (_replacing)
        {
            _current = next with { Generation = ++_generations };
        }

        Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
