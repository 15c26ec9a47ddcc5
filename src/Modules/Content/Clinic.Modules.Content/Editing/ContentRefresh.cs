using Clinic.Modules.Content.Library;
using Marten;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// Keeps <see cref="PublishedContent"/> in step with the store on every host: at start (before the site answers)
/// the seed import runs and the published items are loaded; then every few seconds a host compares the number of
/// events in the store (the sum of the streams' versions: unlike the highest sequence number, it also moves when a
/// slower transaction commits an earlier number) with what it loaded, and on a change reloads, swaps the snapshot
/// and empties its output cache.
/// A publication on this host refreshes at once (<see cref="RefreshAsync"/>), and other hosts as soon as they hear its
/// PublishedContentChanged on their own queue; the periodic check (every 30 s by default) is the safety net for a
/// message lost while the broker was away.
/// </summary>
internal sealed partial class ContentRefresh(
    IContentStore store,
    PublishedContent published,
    IOutputCacheStore cache,
    TimeProvider time,
    IConfiguration configuration,
    ILogger<ContentRefresh> logger) : BackgroundService
{
    public const string IntervalKey = "Content:RefreshInterval";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _loadedEvents = -1;

    private static readonly int SeedConditionsVersion = ContentLibrary.LoadEmbedded().ConditionsVersion;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var imported = await SeedImport.RunAsync(store, time, cancellationToken);
        if (imported > 0)
        {
            LogImported(logger, imported);
        }

        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue(IntervalKey, TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
    }

    /// <summary>Reloads the published items if the store changed since the last load.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var session = store.QuerySession();
            var events = (await session.AdvancedSql.QueryAsync<long>(
                $"select coalesce(sum(version), 0)::bigint from {store.Options.Events.DatabaseSchemaName}.mt_streams", cancellationToken))[0];
            if (events == _loadedEvents)
            {
                return;
            }

            var all = await session.Query<ContentItemView>().Where(v => v.LiveVersion != null || v.Kind == ContentKinds.Condition).ToListAsync(cancellationToken);
            var views = all.Where(v => v.LiveVersion != null).ToList();

            // Over every condition, live or not: an unpublication or a rollback must raise the version too,
            // or Intake, which keeps only newer versions, would never hear of it.
            var conditionsVersion = SeedConditionsVersion + all.Where(v => v.Kind == ContentKinds.Condition).Sum(v => v.EditorialChanges);
            var fingerprint = string.Join('|', views.OrderBy(v => v.Id, StringComparer.Ordinal).Select(v => $"{v.Id}@{v.LiveVersion}/{v.EditorialChanges}"))
                + $"#{conditionsVersion}";
            if (fingerprint != published.Current.Fingerprint)
            {
                var items = views.Select(v => new PublishedItem(v.Id, v.Kind, v.LiveBody!, v.LiveSince ?? v.LastChangedAt)).ToList();
                published.Replace(new PublishedContent.Snapshot(ContentItems.Build(items, conditionsVersion), items, fingerprint));
                await cache.EvictByTagAsync(ContentCaching.Tag, cancellationToken);
                LogLoaded(logger, items.Count, conditionsVersion);
            }

            _loadedEvents = events;
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(LogLevel.Information, "Imported {Count} content items from the seed files as version 1")]
    private static partial void LogImported(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Loaded {Count} published content items (condition catalogue version {Version})")]
    private static partial void LogLoaded(ILogger logger, int count, int version);

    [LoggerMessage(LogLevel.Warning, "Could not refresh the published content; visitors see the last loaded version")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
