using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Content.Editing;

/// <summary>
/// Publishes scheduled changes when they fall due. Every host polls the item views every few seconds; the schedule
/// lives in the item's events, so it survives restarts, and a publication is an append at the version the poller
/// read, so when two hosts race one publishes and the other gets a conflict and does nothing.
/// </summary>
internal sealed partial class ScheduledPublishing(
    IContentStore store,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IConfiguration configuration,
    ILogger<ScheduledPublishing> logger) : BackgroundService
{
    public const string IntervalKey = "Content:SchedulePollInterval";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(configuration.GetValue(IntervalKey, TimeSpan.FromSeconds(5)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PublishDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPollFailed(logger, e);
            }
        }
    }

    /// <summary>Publishes every change whose time has come; returns how many this host published.</summary>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<ContentItemView> due;
        await using (var session = store.QuerySession())
        {
            due = await session.Query<ContentItemView>()
                .Where(v => v.ScheduledPublishAt != null && v.ScheduledPublishAt <= now)
                .ToListAsync(cancellationToken);
        }

        var published = 0;
        foreach (var item in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var editing = scope.ServiceProvider.GetRequiredService<ContentEditing>();
            var result = await editing.HandleAsync(item.Id, new PublishAsScheduled(), item.Version, item.ScheduledBy ?? "", cancellationToken);
            if (result.Outcome == EditOutcome.Done)
            {
                published++;
                LogPublished(logger, item.Id);
            }
        }

        return published;
    }

    [LoggerMessage(LogLevel.Information, "Published the scheduled change to {Key}")]
    private static partial void LogPublished(ILogger logger, string key);

    [LoggerMessage(LogLevel.Warning, "Could not check for scheduled publications; the next poll tries again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
