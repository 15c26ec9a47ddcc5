using System.Collections.Concurrent;
using System.Reflection;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Messaging;
using Clinic.Host.Operations;
using Clinic.Modules.Intake.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Quartz;
using IJob = Quartz.IJob;

namespace Clinic.EndToEndTests;

/// <summary>The erasure purge's later walks, in the escalation timers' scheduler.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ErrorQueueWalkTests(ClinicFixture clinic)
{
    private async Task<IScheduler> SchedulerAsync() => await clinic.App.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    /// <summary>The harness's lists without waiting: what they hold now.</summary>
    private static readonly CancellationToken AlreadyCancelled = new(canceled: true);

    private bool Logged(int since, string text) => clinic.Logs.Lines.Skip(since).Any(l => l.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task An_erasure_whose_later_walks_could_not_be_scheduled_is_retried_and_hearing_it_again_is_harmless()
    {
        var requestId = Guid.NewGuid();
        var scheduler = await SchedulerAsync();
        // The timers' database away for the first try, as in a PostgreSQL restart.
        var schedulers = FailingFirst.Wrap(clinic.App.Services.GetRequiredService<ISchedulerFactory>(), failures: 1);
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton(clinic.App.Services.GetRequiredService<IConfiguration>())
            // Its second walk far off: due during the test, it would walk the shared error queues other tests read.
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new ErrorQueueWalkOptions { Waits = [TimeSpan.FromHours(1)] }))
            .AddSingleton(new ReceiveEndpointNames())
            .AddSingleton(schedulers)
            .AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<ErrorQueueErasureConsumer, ErrorQueueErasureConsumerDefinition>())
            .BuildServiceProvider(validateScopes: true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        try
        {
            await harness.Bus.Publish(new PersonalDataErasureRequested(requestId, DateTimeOffset.UtcNow));
            await Eventually.TrueAsync(async () => await scheduler.Exists(ErrorQueueWalks.KeyFor(requestId)), "the later walks to be scheduled on a second try");

            // Heard again while its walks are pending (a redelivery, the journal's replay): consumed, no fault.
            var again = NewId.NextGuid();
            await harness.Bus.Publish(new PersonalDataErasureRequested(requestId, DateTimeOffset.UtcNow), context => context.MessageId = again);
            // Polled against a deadline: the harness's own waits end for good once its bus has been idle 1.2 s, which a
            // slow first try above can already have used up (red on a loaded machine).
            var heard = await Eventually.GetAsync(
                () => Task.FromResult(harness.Consumed.Select<PersonalDataErasureRequested>(m => m.Context.MessageId == again, AlreadyCancelled).FirstOrDefault()),
                "the erasure heard again to be consumed");
            Assert.Null(heard.Exception);
            Assert.Empty(harness.Published.Select<Fault<PersonalDataErasureRequested>>(AlreadyCancelled));
        }
        finally
        {
            await scheduler.DeleteJob(ErrorQueueWalks.KeyFor(requestId));
        }
    }

    [Fact]
    public async Task Walks_waiting_for_one_another_leave_the_timers_threads_to_an_escalation_due_meanwhile()
    {
        var scheduler = await SchedulerAsync();
        var waits = clinic.App.Services.GetRequiredService<IOptions<ErrorQueueWalkOptions>>().Value.Waits;
        // More erasures than the scheduler has threads.
        var requests = Enumerable.Range(0, (await scheduler.GetMetadata()).ThreadPoolSize + 2).Select(_ => Guid.NewGuid()).ToList();
        var escalation = new JobKey(Guid.NewGuid().ToString("N"), "erasure-tests");
        var logged = clinic.Logs.Lines.Count;

        // A walk that takes long (a long queue, a slow broker) holds the others back meanwhile.
        await ErrorQueuePurge.OneWalkAtATime.WaitAsync();
        try
        {
            foreach (var id in requests)
            {
                await ErrorQueueWalks.AfterWalkAsync(scheduler, waits, TimeProvider.System, NullLogger.Instance, id, walk: 1, dropped: 0, default);
            }

            // Due once every second walk is.
            var job = JobBuilder.Create<StandInEscalation>().WithIdentity(escalation).Build();
            await scheduler.ScheduleJob(job, TriggerBuilder.Create().ForJob(escalation).StartAt(DateTimeOffset.UtcNow + waits[0] + TimeSpan.FromSeconds(1)).Build(), default, default);
            await Eventually.TrueAsync(
                () => Task.FromResult(StandInEscalation.Ran.ContainsKey(escalation.Name)), "the escalation to run while the walks wait", waits[0] + TimeSpan.FromSeconds(10));
        }
        finally
        {
            ErrorQueuePurge.OneWalkAtATime.Release();
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(requests.All(id => Logged(logged, $"erasure of request {id}"))), "every erasure's walks to end", TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task A_walk_that_fails_through_its_retries_says_the_purge_of_its_erasure_was_given_up()
    {
        var requestId = Guid.NewGuid();
        var key = ErrorQueueWalks.KeyFor(requestId);
        var logged = clinic.Logs.Lines.Count;
        var job = JobBuilder.Create<BrokerAwayWalk>().WithIdentity(key).UsingJobData(ErrorQueueWalks.RequestIdKey, requestId.ToString("N")).Build();
        var walk = TriggerBuilder.Create().ForJob(key)
            .UsingJobData(ErrorQueueWalks.WalkKey, 2)
            .UsingJobData(ErrorQueueWalks.DroppedKey, 0)
            // The walks' own policy, shortened: the trigger's policy wins over the job type's.
            .WithRetryPolicy(Quartz.RetryPolicy.Fixed(1, TimeSpan.FromMilliseconds(100)))
            .StartNow()
            .Build();
        await (await SchedulerAsync()).ScheduleJob(job, walk, default, default);

        await Eventually.TrueAsync(() => Task.FromResult(Logged(logged, $"erasure of request {requestId} given up: walk 2 failed after 1 retries")), "the purge's last word");
    }

    /// <summary>Stands for an escalation timer's job: notes that it ran.</summary>
    private sealed class StandInEscalation : IJob
    {
        public static readonly ConcurrentDictionary<string, bool> Ran = new();

        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            Ran[context.JobDetail.Key.Name] = true;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A walk of the purge's while the broker is away: every try fails.</summary>
    private sealed class BrokerAwayWalk : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The broker is away (a test's stand-in).");
    }

    /// <summary>A scheduler factory whose first calls fail. A proxy, so not sealed: <see cref="DispatchProxy"/> derives from it.</summary>
    internal class FailingFirst : DispatchProxy
    {
        private ISchedulerFactory _target = null!;
        private int _failures;

        public static ISchedulerFactory Wrap(ISchedulerFactory target, int failures)
        {
            var factory = Create<ISchedulerFactory, FailingFirst>();
            var proxy = (FailingFirst)(object)factory;
            (proxy._target, proxy._failures) = (target, failures);
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.Name == nameof(ISchedulerFactory.GetScheduler) && Interlocked.Decrement(ref _failures) >= 0
                ? throw new Quartz.SchedulerException("The timers' database is away (a test's stand-in).")
                : targetMethod.Invoke(_target, args);
    }
}
