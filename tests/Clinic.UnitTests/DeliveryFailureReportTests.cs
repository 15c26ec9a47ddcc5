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

        Assert.True(await harness.Published.Any<StaffNotificationFailed>());
        var failed = harness.Published.Select<StaffNotificationFailed>().Single().Context.Message;
        Assert.Equal(now, failed.FailedAt);
        Assert.True(failed.Final);
    }
}
