using Clinic.Modules.Content.Contracts;
using MassTransit;

namespace Clinic.Modules.Intake.ConditionOptions;

/// <summary>
/// The stored condition choices, kept in memory: the form and the API read them at every submission, and they change
/// only when Content publishes a new catalogue. A copy is dropped when this host stores a new catalogue, when it hears
/// any host's publication (on a temporary queue of its own), and after <see cref="MaxAge"/> as the safety net for a
/// publication lost while the broker was away. A copy older than a catalogue version already heard is kept only
/// briefly, since Intake may hear a publication before its consumer has stored it.
/// </summary>
internal sealed class ConditionChoicesCache(IIntakeStore store, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>How long a copy older than the newest version heard serves before it is read again.</summary>
    public static readonly TimeSpan BehindMaxAge = TimeSpan.FromSeconds(1);

    private sealed record Entry(ConditionChoices Choices, DateTimeOffset LoadedAt, long Generation);

    private Entry? _entry;
    private long _generation;
    private int _heardVersion;

    public async Task<ConditionChoices> GetAsync(CancellationToken cancellationToken)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry is not null && entry.Generation == Interlocked.Read(ref _generation))
        {
            var age = time.GetUtcNow() - entry.LoadedAt;
            var behind = entry.Choices.CatalogVersion < Volatile.Read(ref _heardVersion);
            if (age < (behind ? BehindMaxAge : MaxAge))
            {
                return entry.Choices;
            }
        }

        return await LoadAsync(cancellationToken);
    }

    /// <summary>
    /// The choices, read again from the store when the chosen slug is not among the copy's: a visitor is never
    /// refused a condition because this host's copy is older than the catalogue.
    /// </summary>
    public async Task<ConditionChoices> GetOfferingAsync(string? chosen, CancellationToken cancellationToken)
    {
        var choices = await GetAsync(cancellationToken);
        return string.IsNullOrEmpty(chosen) || choices.Offers(chosen) ? choices : await LoadAsync(cancellationToken);
    }

    /// <summary>A catalogue of this version was published or stored: the next read goes to the store.</summary>
    public void Invalidate(int version)
    {
        int heard;
        while ((heard = Volatile.Read(ref _heardVersion)) < version && Interlocked.CompareExchange(ref _heardVersion, version, heard) != heard)
        {
        }

        Interlocked.Increment(ref _generation);
    }

    private async Task<ConditionChoices> LoadAsync(CancellationToken cancellationToken)
    {
        // Taken before the read: a copy read while an invalidation arrives is never served as current.
        var generation = Interlocked.Read(ref _generation);
        var loadedAt = time.GetUtcNow();
        var choices = await ConditionChoices.LoadAsync(store, cancellationToken);
        Volatile.Write(ref _entry, new Entry(choices, loadedAt, generation));
        return choices;
    }
}

/// <summary>
/// Every host hears every catalogue publication on a temporary queue of its own (Intake's stored copy is kept by
/// <see cref="ConditionCatalogPublishedConsumer"/>, which one host runs per message) and drops its cached choices.
/// </summary>
internal sealed class ConditionCatalogHeardConsumer(ConditionChoicesCache cache) : IConsumer<ConditionCatalogPublished>
{
    public Task Consume(ConsumeContext<ConditionCatalogPublished> context)
    {
        cache.Invalidate(context.Message.Version);
        return Task.CompletedTask;
    }
}
