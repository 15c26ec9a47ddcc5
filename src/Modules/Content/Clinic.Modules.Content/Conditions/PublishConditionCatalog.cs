using Clinic.Modules.Content.Contracts;
using Clinic.Modules.Content.Editing;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Content.Conditions;

/// <summary>
/// Tells the other modules which conditions exist, with the content version of the list: at start, and again
/// whenever a publication changes the version. Every host does so; publishing the same version again is harmless,
/// as consumers keep the highest version they have seen.
/// </summary>
internal sealed partial class PublishConditionCatalog(
    PublishedContent published,
    IBusControl bus,
    TimeProvider time,
    ILogger<PublishConditionCatalog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Healthy means every receive endpoint of this host has bound its queue. Publishing earlier,
        // on a fresh broker, would reach an exchange with no queue bound yet and be dropped.
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, stoppingToken);

        var sent = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = published.Changed;
            var library = published.Library;
            if (library.ConditionsVersion != sent)
            {
                await PublishAsync(new ConditionCatalogPublished(
                    library.ConditionsVersion,
                    [.. library.Conditions.Select(c => new CatalogCondition(c.Slug, c.Name))]), stoppingToken);
                sent = library.ConditionsVersion;
            }

            await changed.WaitAsync(stoppingToken);
        }
    }

    private async Task PublishAsync(ConditionCatalogPublished message, CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await bus.Publish(message, stoppingToken);
                LogPublished(logger, message.Version, message.Conditions.Count);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt)));
                LogRetry(logger, e, delay);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Published the condition catalogue, version {Version} ({Count} conditions)")]
    private static partial void LogPublished(ILogger logger, int version, int count);

    [LoggerMessage(LogLevel.Warning, "Could not publish the condition catalogue; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, TimeSpan delay);
}
