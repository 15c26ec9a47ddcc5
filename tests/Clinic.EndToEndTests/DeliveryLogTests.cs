using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Contracts;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.Feed;
using Clinic.Modules.Notifications.NotifyStaff;
using Marten;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clinic.EndToEndTests;

/// <summary>The delivery log on the real Notifications schema: what a failed send leaves behind, and the feed's record-after-send.</summary>
[Collection(ClinicCollection.Name)]
public sealed class DeliveryLogTests(ClinicFixture clinic)
{
    /// <summary>The harness's lists without waiting: what they hold now.</summary>
    private static readonly CancellationToken AlreadyCancelled = new(canceled: true);

    private INotificationsStore Store => clinic.App.Services.GetRequiredService<INotificationsStore>();

    /// <summary>How the live feed's deliveries are kept to one, as the host's feed channel says.</summary>
    private DeliveryGuard FeedGuard => clinic.App.Services.GetServices<INotificationChannel>().Single(c => c.Name == ChannelNames.Feed).Guard;

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

        // Polled against a deadline: the harness's own waits end for good once its bus has been idle 1.2 s.
        var consumed = await Eventually.GetAsync(
            () => Task.FromResult(harness.Consumed.Select<DeliverStaffAlert>(AlreadyCancelled).FirstOrDefault()),
            "the duplicate delivery to be consumed");
        Assert.Null(consumed.Exception);
        await harness.InactivityTask;
        // The worker holding the claim reports the outcome; this duplicate neither faults nor reports a failure.
        Assert.False(await harness.Published.Any<Fault<DeliverStaffAlert>>());
        Assert.False(await harness.Published.Any<StaffNotificationFailed>());
    }

    [Fact]
    public async Task A_feed_delivery_takes_no_claim_and_records_itself_once_sent_where_a_restore_still_finds_it()
    {
        var log = clinic.App.Services.GetRequiredService<DeliveryLog>();
        var requestId = Guid.NewGuid();
        var deliveryId = $"{requestId:N}.feed.test";
        var rowsDuringTheSend = -1;

        var first = await log.DeliverOnceAsync(
            deliveryId, requestId, ChannelNames.Feed, FeedChannel.Recipient, FeedGuard,
            async _ =>
            {
                await using var other = Store.QuerySession();
                rowsDuringTheSend = await other.Query<DeliveryRecord>().CountAsync(r => r.Id == deliveryId);
            },
            CancellationToken.None);

        // No claim before the send (the insert and update a claim costs), one row after it, delivered.
        Assert.Equal(0, rowsDuringTheSend);
        Assert.True(first.SentNow);
        await using (var session = Store.QuerySession())
        {
            var record = Assert.Single(await session.Query<DeliveryRecord>().Where(r => r.RequestId == requestId).ToListAsync());
            Assert.Equal(((DateTimeOffset?)first.DeliveredAt, 1), (record.DeliveredAt, record.Attempts));
            // The start-up reconciliation after a restore reports it like any other channel's delivery.
            var report = DeliveryReportReconciliation.Report(record);
            Assert.NotNull(report);
            Assert.Equal((requestId, ChannelNames.Feed, first.DeliveredAt), (report.RequestId, report.Channel, report.NotifiedAt));
        }

        // A redelivered message finds it done: not sent again, and reported with the same time.
        var sends = 0;
        var again = await log.DeliverOnceAsync(
            deliveryId, requestId, ChannelNames.Feed, FeedChannel.Recipient, FeedGuard,
            _ =>
            {
                sends++;
                return Task.CompletedTask;
            },
            CancellationToken.None);
        Assert.Equal((0, false, first.DeliveredAt), (sends, again.SentNow, again.DeliveredAt));
    }

    [Fact]
    public async Task Of_two_feed_attempts_at_once_the_first_record_wins_and_the_other_retries_to_report_its_time()
    {
        var log = clinic.App.Services.GetRequiredService<DeliveryLog>();
        var requestId = Guid.NewGuid();
        var deliveryId = $"{requestId:N}.feed.test";
        var winnersTime = DateTimeOffset.UtcNow.AddSeconds(-1);

        // While this attempt sends, another one (a duplicate of the message on another worker) sends and records first.
        await Assert.ThrowsAsync<DeliveryInProgressException>(() => log.DeliverOnceAsync(
            deliveryId, requestId, ChannelNames.Feed, FeedChannel.Recipient, FeedGuard,
            async _ =>
            {
                await using var other = Store.LightweightSession();
                other.Insert(new DeliveryRecord
                {
                    Id = deliveryId,
                    RequestId = requestId,
                    Channel = ChannelNames.Feed,
                    Recipient = FeedChannel.Recipient,
                    ClaimedAt = winnersTime,
                    DeliveredAt = winnersTime,
                    Attempts = 1,
                });
                await other.SaveChangesAsync();
            },
            CancellationToken.None));

        // Its retry finds the winner's record: nothing sent, the winner's time reported (so time to alert counts once).
        var retry = await log.DeliverOnceAsync(
            deliveryId, requestId, ChannelNames.Feed, FeedChannel.Recipient, FeedGuard,
            _ => throw new InvalidOperationException("Sent again."), CancellationToken.None);
        Assert.Equal((false, winnersTime), (retry.SentNow, retry.DeliveredAt));
    }

    [Fact]
    public async Task A_failed_feed_send_leaves_no_row_so_its_retry_sends_at_once()
    {
        var log = clinic.App.Services.GetRequiredService<DeliveryLog>();
        var requestId = Guid.NewGuid();
        var deliveryId = $"{requestId:N}.feed.test";

        await Assert.ThrowsAsync<InvalidOperationException>(() => log.DeliverOnceAsync(
            deliveryId, requestId, ChannelNames.Feed, FeedChannel.Recipient, FeedGuard,
            _ => throw new InvalidOperationException("The broker is away."), CancellationToken.None));
        var sends = 0;
        var retry = await log.DeliverOnceAsync(
            deliveryId, requestId, ChannelNames.Feed, FeedChannel.Recipient, FeedGuard,
            _ =>
            {
                sends++;
                return Task.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal((1, true), (sends, retry.SentNow));
    }

    private sealed class SmtpRelayRefused() : Exception("The relay refused the message.");
}
