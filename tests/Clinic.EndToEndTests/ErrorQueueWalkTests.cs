using System.Reflection;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Host.Messaging;
using Clinic.Host.Operations;
using Clinic.Modules.Intake.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace Clinic.EndToEndTests;

/// <summary>The erasure purge's later walks, in the escalation timers' scheduler.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ErrorQueueWalkTests(ClinicFixture clinic)
{
    private async Task<IScheduler> SchedulerAsync() => await clinic.App.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

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
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new ErrorQueueWalkOptions()))
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
            Assert.True(await harness.Consumed.Any<PersonalDataErasureRequested>(m => m.Context.MessageId == again && m.Exception is null));
            Assert.False(await harness.Published.Any<Fault<PersonalDataErasureRequested>>());
        }
        finally
        {
            await scheduler.DeleteJob(ErrorQueueWalks.KeyFor(requestId));
        }
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
