using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.Feed;
using Clinic.Modules.Notifications.NotifyStaff;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.EndToEndTests;

/// <summary>The delivery log on the real Notifications schema: what a failed send leaves behind.</summary>
[Collection(ClinicCollection.Name)]
public sealed class DeliveryLogTests(ClinicFixture clinic)
{
    private INotificationsStore Store => clinic.App.Services.GetRequiredService<INotificationsStore>();

    [Fact]
    public async Task When_releasing_the_claim_fails_too_the_send_error_is_the_one_reported()
    {
        var log = clinic.App.Services.GetRequiredService<DeliveryLog>();
        var deliveryId = $"{Guid.NewGuid():N}.email.test";

        // The send fails; meanwhile another worker has taken the claim over, so saving the release fails as well.
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => log.DeliverOnceAsync(
            deliveryId, Guid.NewGuid(), "email", "intake-team@clinic.test",
            async _ =>
            {
                await using var other = Store.LightweightSession();
                var record = (await other.LoadAsync<DeliveryRecord>(deliveryId))!;
                record.ClaimedAt = DateTimeOffset.UtcNow;
                record.Attempts++;
                other.Store(record);
                await other.SaveChangesAsync();
                throw new SmtpRelayRefused();
            },
            CancellationToken.None));

        Assert.IsType<SmtpRelayRefused>(thrown);
    }

    [Fact]
    public async Task A_duplicate_that_finds_its_delivery_in_progress_until_its_retries_run_out_ends_quietly_instead_of_faulting()
    {
        var message = new DeliverStaffAlert(Guid.NewGuid(), "KC-TEST0-00000", "ptsd", false, false, DateTimeOffset.UtcNow, ChannelNames.Feed, FeedChannel.Recipient);
        // Another worker holds this delivery (a live claim) for as long as the duplicate keeps retrying.
        await using (var session = Store.LightweightSession())
        {
            session.Insert(new DeliveryRecord
            {
                Id = message.DeliveryId,
                RequestId = message.RequestId,
                Channel = message.Channel,
                Recipient = message.Recipient,
                ClaimedAt = DateTimeOffset.UtcNow,
                Attempts = 1,
            });
            await session.SaveChangesAsync();
        }

        // The production consumer on an in-memory bus, with as many retries as production has, taken at once.
        var host = clinic.App.Services;
        var services = new ServiceCollection()
            .AddSingleton(host.GetRequiredService<DeliveryLog>())
            .AddSingleton(host.GetRequiredService<IOptionsMonitor<NotificationsOptions>>())
            .AddSingleton(host.GetRequiredService<NotificationsMetrics>())
            .AddSingleton(TimeProvider.System);
        foreach (var channel in host.GetServices<INotificationChannel>())
        {
            services.AddSingleton(channel);
        }

        await using var provider = services
            .AddMassTransitTestHarness(bus => bus.AddConsumer<DeliverFeedAlertConsumer>(c => c.UseMessageRetry(r => r.Immediate(NotificationsModule.DeliveryRetryLimit))))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(message);

        Assert.True(await harness.Consumed.Any<DeliverStaffAlert>());
        await harness.InactivityTask;
        // The worker holding the claim reports the outcome; this duplicate neither faults nor reports a failure.
        Assert.False(await harness.Published.Any<Fault<DeliverStaffAlert>>());
        Assert.False(await harness.Published.Any<StaffNotificationFailed>());
    }

    private sealed class SmtpRelayRefused() : Exception("The relay refused the message.");
}
