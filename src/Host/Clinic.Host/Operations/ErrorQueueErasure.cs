using System.Text.Json;
using Clinic.Host.Messaging;
using Clinic.Modules.Intake.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;
using Quartz;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Clinic.Host.Operations;

/// <summary>
/// Removes an erased request's messages from every endpoint's <c>_error</c> and <c>_skipped</c> queue (where a visitor's
/// acknowledgement, with their name and address, waits when it could not be sent). A walk takes each queue's ready
/// messages once: a message about the request is dropped, every other one is published back to the end of the same
/// queue (confirmed by the broker) before the original is acknowledged, so nothing else is lost and the queue keeps
/// its order. A message a reader holds unacknowledged (an operator browsing the queue) is not ready, so a walk cannot
/// see it: <see cref="ErrorQueueWalks"/> walks again later.
/// </summary>
internal static class ErrorQueuePurge
{
    // One walk at a time in a process: each walks a queue by the count it read at the start, so a second walk
    // holding and moving messages to the back of the same queue meanwhile could make the first miss one.
    internal static readonly SemaphoreSlim OneWalkAtATime = new(1, 1);

    public static IEnumerable<string> QueuesOf(IEnumerable<string> endpoints) => endpoints.SelectMany(e => new[] { e + "_error", e + "_skipped" });

    /// <returns>How many messages were dropped.</returns>
    public static async Task<int> PurgeAsync(Uri broker, IEnumerable<string> queues, Guid requestId, CancellationToken cancellationToken)
    {
        await OneWalkAtATime.WaitAsync(cancellationToken);
        try
        {
            return await WalkAsync(broker, queues, requestId, cancellationToken);
        }
        finally
        {
            OneWalkAtATime.Release();
        }
    }

    private static async Task<int> WalkAsync(Uri broker, IEnumerable<string> queues, Guid requestId, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "clinic-erasure-purge" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var dropped = 0;
        foreach (var queue in queues)
        {
            // A passive declare of a missing queue closes its channel: one channel per queue.
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            uint count;
            try
            {
                count = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException)
            {
                continue;
            }

            for (var i = 0u; i < count; i++)
            {
                var message = await channel.BasicGetAsync(queue, autoAck: false, cancellationToken);
                if (message is null)
                {
                    break;
                }

                var body = message.Body.ToArray();
                if (HoldsDataOf(body, requestId))
                {
                    dropped++;
                }
                else
                {
                    await channel.BasicPublishAsync("", queue, mandatory: false, new BasicProperties(message.BasicProperties), body, cancellationToken);
                }

                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            }
        }

        return dropped;
    }

    /// <summary>
    /// Whether a message body (a MassTransit envelope, or plain JSON) names the request in a <c>requestId</c> property and
    /// is not the erasure itself: a faulted erasure waits in its <c>_error</c> queue for an operator to send it again, and
    /// dropping it would leave the data it was sent to erase.
    /// </summary>
    public static bool HoldsDataOf(ReadOnlySpan<byte> body, Guid requestId)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return Names(document.RootElement, requestId) && !IsErasure(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsErasure(JsonElement envelope) =>
        envelope.ValueKind == JsonValueKind.Object
        && envelope.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array
        && types.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String
            && (t.GetString() ?? "").EndsWith(":" + nameof(PersonalDataErasureRequested), StringComparison.Ordinal));

    private static bool Names(JsonElement element, Guid requestId) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p =>
            (p.Name.Equals("requestId", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String
                && Guid.TryParse(p.Value.GetString(), out var id) && id == requestId)
            || Names(p.Value, requestId)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => Names(e, requestId)),
        _ => false,
    };
}

/// <summary>
/// Purges the erased request's messages from this site's error queues (every host's endpoints share them): the first
/// walk at once, the later ones from <see cref="ErrorQueueWalks"/>.
/// </summary>
internal sealed class ErrorQueueErasureConsumer(
    IConfiguration configuration, IOptions<ErrorQueueWalkOptions> options, ReceiveEndpointNames endpoints, ISchedulerFactory schedulers, TimeProvider time,
    ILogger<ErrorQueueErasureConsumer> logger)
    : IConsumer<PersonalDataErasureRequested>
{
    public async Task Consume(ConsumeContext<PersonalDataErasureRequested> context)
    {
        var requestId = context.Message.RequestId;
        var dropped = await ErrorQueuePurge.PurgeAsync(ErrorQueueWalks.Broker(configuration), ErrorQueuePurge.QueuesOf(endpoints.All), requestId, context.CancellationToken);
        await ErrorQueueWalks.AfterWalkAsync(
            await schedulers.GetScheduler(context.CancellationToken), options.Value.Waits, time, logger, requestId, walk: 1, dropped, context.CancellationToken);
    }
}

/// <summary>
/// The purge's later walks. A reader holding an erased request's message while a walk passes (an operator browsing an
/// <c>_error</c> queue in the management UI holds what it shows for milliseconds to seconds) returns it to the queue
/// afterwards; a later walk drops it. The walks are one-shot triggers in the escalation timers' clustered Quartz store,
/// each scheduled by the walk before it (<see cref="WalkAgainAfterKey"/>): durable across restarts, each run on one
/// host. A message held across every walk stays: the walks' span is the window that remains.
/// </summary>
internal static partial class ErrorQueueWalks
{
    /// <summary>The waits between one walk and the next, in order; one walk more than there are waits.</summary>
    public const string WalkAgainAfterKey = "Operations:ErrorQueuePurge:WalkAgainAfter";

    public const string RequestIdKey = "requestId";
    public const string WalkKey = "walk";
    public const string DroppedKey = "dropped";

    /// <summary>The walks' jobs.</summary>
    public const string Group = "error-queue-purge";

    /// <summary>
    /// The walks' triggers, limited to one running at a time on a host (<see cref="ErrorQueueErasureRegistration"/>): a walk
    /// waits for the one before it (<see cref="ErrorQueuePurge"/>), and waiting in the store rather than on a Quartz thread
    /// leaves the threads to the escalation timers, however many erasures there are.
    /// </summary>
    public const string ExecutionGroup = "error-queue-walks";

    // Anything longer is a slip of the unit, and a huge one would only fail when a walk is scheduled.
    internal static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    internal static readonly TimeSpan[] DefaultWaits = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)];

    public static Uri Broker(IConfiguration configuration) => new(configuration.GetConnectionString("RabbitMq")!);

    public static IReadOnlyList<TimeSpan> Waits(IConfiguration configuration) =>
        configuration.GetSection(WalkAgainAfterKey).Get<TimeSpan[]>() is { Length: > 0 } waits ? waits : DefaultWaits;

    public static JobKey KeyFor(Guid requestId) => new($"request-{requestId:N}", Group);

    /// <summary>After walk number <paramref name="walk"/> (from 1): schedules the next, or says the purge is over.</summary>
    /// <param name="waits">The waits between walks (<see cref="ErrorQueueWalkOptions.Waits"/>).</param>
    /// <param name="dropped">Messages dropped by this walk and the ones before it.</param>
    public static async Task AfterWalkAsync(
        IScheduler scheduler, IReadOnlyList<TimeSpan> waits, TimeProvider time, ILogger logger, Guid requestId, int walk, int dropped, CancellationToken cancellationToken)
    {
        if (walk > waits.Count)
        {
            LogPurged(logger, requestId, dropped);
            return;
        }

        LogWalked(logger, requestId, walk, waits.Count + 1, dropped);
        var key = KeyFor(requestId);
        var next = TriggerBuilder.Create()
            // Named by the walk, so a walk run again (recovered after a crash) finds its successor already there.
            .WithIdentity($"{key.Name}.walk-{walk + 1}", key.Group)
            .ForJob(key)
            .StartAt(time.GetUtcNow() + waits[walk - 1])
            .UsingJobData(WalkKey, walk + 1)
            .UsingJobData(DroppedKey, dropped)
            .WithExecutionGroup(ExecutionGroup)
            // Hosts all down, or the walks' group busy, when it was due: walk as soon as one can, without the misfire
            // sweep re-arming every waiting trigger meanwhile.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.IgnoreMisfires))
            .Build();
        if (walk > 1)
        {
            await scheduler.ScheduleTrigger(next, TriggerConflict.Keep, cancellationToken);
            return;
        }

        var job = JobBuilder.Create<ErrorQueueWalkJob>()
            .WithIdentity(key)
            .UsingJobData(RequestIdKey, requestId.ToString("N"))
            // A host killed mid-walk: another host of the cluster walks again (a walk is idempotent).
            .RequestRecovery()
            .Build();
        try
        {
            await scheduler.ScheduleJob(job, next, default, cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // The erasure heard again (a redelivery, the journal's replay) while its walks are still going: they go on.
        }
    }

    /// <summary>An operator (and a test) can tell the purge is over: until then a reader of the queues races it.</summary>
    [LoggerMessage(LogLevel.Information, "Error queues walked for the erasure of request {RequestId}: {Dropped} of its messages dropped")]
    private static partial void LogPurged(ILogger logger, Guid requestId, int dropped);

    [LoggerMessage(LogLevel.Information, "Error queues walked for request {RequestId}, walk {Walk} of {Walks}: {Dropped} of its messages dropped so far")]
    private static partial void LogWalked(ILogger logger, Guid requestId, int walk, int walks, int dropped);

    /// <summary>The purge's other last word: a walk failed through all its retries, so no walk follows.</summary>
    [LoggerMessage(LogLevel.Error, "Error queue purge for the erasure of request {RequestId} given up: walk {Walk} failed after {Retries} retries, and no walk follows; its messages may remain in the _error and _skipped queues")]
    public static partial void LogGaveUp(ILogger logger, Exception? exception, Guid requestId, int walk, int retries);
}

/// <summary>
/// One of the purge's later walks (<see cref="ErrorQueueWalks"/>). A walk that fails (the broker away) is retried by
/// Quartz; one that fails every retry ends the chain (<see cref="ErrorQueueWalkGaveUp"/>).
/// </summary>
[DisallowConcurrentExecution]
[RetryPolicy(12, "00:00:05", 2.0, MaxDelay = "00:05:00")]
internal sealed class ErrorQueueWalkJob(
    IConfiguration configuration, IOptions<ErrorQueueWalkOptions> options, ReceiveEndpointNames endpoints, TimeProvider time, ILogger<ErrorQueueWalkJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var requestId = Guid.ParseExact(data.GetString(ErrorQueueWalks.RequestIdKey)!, "N");
        var walk = data.GetInt(ErrorQueueWalks.WalkKey);
        var dropped = data.GetInt(ErrorQueueWalks.DroppedKey)
            + await ErrorQueuePurge.PurgeAsync(ErrorQueueWalks.Broker(configuration), ErrorQueuePurge.QueuesOf(endpoints.All), requestId, cancellationToken);
        await ErrorQueueWalks.AfterWalkAsync(context.Scheduler, options.Value.Waits, time, logger, requestId, walk, dropped, cancellationToken);
    }
}

/// <summary>
/// A walk whose last retry failed ends its chain: this says so, naming the erasure's request, as the last walk would
/// have said the purge was over.
/// </summary>
internal sealed class ErrorQueueWalkGaveUp(ILogger<ErrorQueueWalkGaveUp> logger) : IJobListener
{
    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken)
    {
        if (context.Outcome == ExecutionOutcome.Failed && !context.RetryScheduled)
        {
            var data = context.MergedJobDataMap;
            ErrorQueueWalks.LogGaveUp(
                logger, jobException, Guid.ParseExact(data.GetString(ErrorQueueWalks.RequestIdKey)!, "N"), data.GetInt(ErrorQueueWalks.WalkKey), context.RetryAttempt);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// One erasure at a time on a host: its first walk would wait for any other walk anyway (<see cref="ErrorQueuePurge"/>).
/// A failure (the broker, or the timers' database while the later walks are scheduled) is retried: the walk again,
/// then the scheduling, both idempotent.
/// </summary>
internal sealed class ErrorQueueErasureConsumerDefinition : ConsumerDefinition<ErrorQueueErasureConsumer>
{
    public ErrorQueueErasureConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ErrorQueueErasureConsumer> consumerConfigurator, IRegistrationContext context) =>
        // As Intake's consumers ride out a database blip: about a minute and a half, then _error.
        consumerConfigurator.UseMessageRetry(r => r.Exponential(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500)));
}

/// <summary>The waits between the purge's walks (<see cref="ErrorQueueWalks.WalkAgainAfterKey"/>), read once and checked at start.</summary>
internal sealed class ErrorQueueWalkOptions
{
    public IReadOnlyList<TimeSpan> Waits { get; set; } = ErrorQueueWalks.DefaultWaits;
}

internal static class ErrorQueueErasureRegistration
{
    /// <summary>The walks' options, their share of the escalation timers' scheduler and their last word when one gives up.</summary>
    public static IServiceCollection AddErrorQueueErasure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ErrorQueueWalkOptions>()
            .Configure(options => options.Waits = ErrorQueueWalks.Waits(configuration))
            // A zero or negative wait would walk again at once: no time for a reader to return what it held.
            .Validate(options => options.Waits.All(wait => wait > TimeSpan.Zero && wait <= ErrorQueueWalks.LongestWait),
                $"{ErrorQueueWalks.WalkAgainAfterKey} must list positive time spans of at most a day, e.g. 00:00:05, 00:01:00, 00:05:00.")
            .ValidateOnStart();
        services.AddQuartz(quartz =>
        {
            quartz.UseExecutionLimits(limits => limits.ForGroup(ErrorQueueWalks.ExecutionGroup, 1, ExecutionLimitScope.Node));
            quartz.AddJobListener<ErrorQueueWalkGaveUp>([GroupMatcher<JobKey>.GroupEquals(ErrorQueueWalks.Group)]);
        });
        return services;
    }
}
