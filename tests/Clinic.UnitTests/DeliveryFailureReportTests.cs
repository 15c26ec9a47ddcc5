using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.NotifyStaff;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Clinic.UnitTests;

/// <summary>A delivery that failed for good is reported at the time of the host's clock (TimeProvider), like every other time.</summary>
public sealed class DeliveryFailureReportTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task A_final_failure_is_stamped_by_the_injected_clock()
    {
        var now = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);
        await using var provider = new ServiceCollection()
            .AddMetrics()
            .AddSingleton<NotificationsMetrics>()
            .AddSingleton<TimeProvider>(new FixedClock(now))
            .AddMassTransitTestHarness(bus => bus.AddConsumer<DeliveryFaultConsumer>())
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var alert = new DeliverStaffAlert(Guid.NewGuid(), "KC-TEST0-00000", "ptsd", false, false, now.AddMinutes(-15), "email", "intake-team@clinic.test");

        await harness.Bus.Publish<Fault<DeliverStaffAlert>>(new { Message = alert, Exceptions = Array.Empty<ExceptionInfo>() });

        var failed = await PublishedAsync<StaffNotificationFailed>(harness);
        Assert.Equal(now, failed.FailedAt);
        Assert.True(failed.Final);
    }

    /// <summary>The harness's lists without waiting: what they hold now.</summary>
    private static readonly CancellationToken AlreadyCancelled = new(canceled: true);

    /// <summary>
    /// Polled against a deadline: the harness's own waits end for good once its bus has been idle 1.2 s, which a loaded
    /// machine can spend before the fault is even published (red on a clean-clone run, beside the other unit tests).
    /// </summary>
    private static async Task<T> PublishedAsync<T>(ITestHarness harness)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (harness.Published.Select<T>(AlreadyCancelled).FirstOrDefault() is { } published)
            {
                return published.Context.Message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No {typeof(T).Name} was published within 30 s.");
            await Task.Delay(20);
        }
    }
}
