using Clinic.Modules.Content.Contracts;
using Clinic.Modules.Content.Library;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Clinic.Modules.Content.Conditions;

/// <summary>
/// Tells the other modules which conditions exist, with the content version of the list. Publishing again
/// on every start is harmless: consumers keep the highest version they have seen.
/// </summary>
internal sealed partial class PublishConditionCatalog(
    ContentLibrary library,
    IBusControl bus,
    TimeProvider time,
    ILogger<PublishConditionCatalog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Healthy means every receive endpoint of this host has bound its queue. Publishing earlier,
        // on a fresh broker, would reach an exchange with no queue bound yet and be dropped.
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, stoppingToken);

        var message = new ConditionCatalogPublished(
            library.ConditionsVersion,
            [.. library.Conditions.Select(c => new CatalogCondition(c.Slug, c.Name))]);

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
