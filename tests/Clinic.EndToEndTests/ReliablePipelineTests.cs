using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Clinic.EndToEndTests.Infrastructure;
using Clinic.Modules.Intake.Domain;
using Clinic.Modules.Intake.ReadModels;
using Clinic.Modules.Notifications;
using Clinic.Modules.Notifications.Delivery;
using Clinic.Modules.Notifications.Feed;
using Clinic.Modules.Notifications.NotifyStaff;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Integration = Clinic.Modules.Intake.Contracts;

namespace Clinic.EndToEndTests;

/// <summary>Channels, routing, idempotent deliveries, failures recorded as history, and the live feed.</summary>
[Collection(ClinicCollection.Name)]
public sealed class ReliablePipelineTests(ClinicFixture clinic)
{
    private async Task<(string Reference, Guid RequestId)> SubmitAsync(string condition = "ptsd", string message = "Evenings are best.")
    {
        using var visitor = clinic.CreateBrowser();
        var reference = Visitor.ReferenceOf(await visitor.PostFormAsync("/schedule", Visitor.Form(condition: condition, message: message)));
        return (reference, (await clinic.RequestAsync(reference)).Id);
    }

    private async Task<IReadOnlyList<object>> EventsWhenAsync(Guid requestId, Func<IReadOnlyList<object>, bool> done, string what) =>
        await Eventually.GetAsync(async () => await clinic.EventsAsync(requestId) is var events && done(events) ? events : null, what);

    [Fact]
    public async Task A_routine_request_reaches_the_signed_webhook_with_a_relay_ready_body_and_no_personal_data()
    {
        var (reference, _) = await SubmitAsync();

        var hook = await Eventually.GetAsync(
            () => Task.FromResult(clinic.Webhooks.Received.FirstOrDefault(w => w.Reference == reference)),
            $"the webhook for {reference}");
        Assert.False(hook.Urgent);
        Assert.Equal("ptsd", hook.Condition);
        Assert.StartsWith($"New call request {reference}", hook.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Dana", hook.Text, StringComparison.Ordinal);
        Assert.Equal(hook.BodyDeliveryId, hook.DeliveryId);
        Assert.Equal(0, clinic.Webhooks.BadSignatures);
    }

    [Fact]
    public async Task Urgent_requests_also_reach_the_on_call_address()
    {
        var (reference, requestId) = await SubmitAsync(message: "I keep thinking about killing myself.");

        var onCall = await clinic.MailAboutAsync(reference, ClinicFixture.OnCallAddress);
        Assert.StartsWith("URGENT", onCall.Message.Subject, StringComparison.Ordinal);
        await EventsWhenAsync(requestId, e => e.OfType<StaffAlerted>().Count() == 4, "four deliveries recorded (team, on-call, webhook, feed)");
    }

    [Fact]
    public async Task A_failing_channel_is_retried_and_the_first_failure_shows_in_the_history()
    {
        var (reference, requestId) = await SubmitAsync(condition: WebhookReceiver.FlakyCondition);

        var events = await EventsWhenAsync(
            requestId, e => e.OfType<StaffAlerted>().Any(n => n.Channel == "webhook"), "the webhook delivered after its retry");
        var failure = Assert.Single(events.OfType<NotificationFailed>());
        Assert.Equal(("webhook", ClinicFixture.WebhookName, false), (failure.Channel, failure.Recipient, failure.Final));
        Assert.Contains("503", failure.Reason, StringComparison.Ordinal);
        Assert.Single(clinic.Webhooks.Received, w => w.Reference == reference);
    }

    [Fact]
    public async Task A_permanent_failure_is_recorded_as_final_and_its_message_waits_in_an_error_queue_operators_can_see()
    {
        var (_, requestId) = await SubmitAsync(condition: WebhookReceiver.RefusedCondition);

        var events = await EventsWhenAsync(requestId, e => e.OfType<NotificationFailed>().Any(f => f.Final), "the final NotificationFailed");
        var final = Assert.Single(events.OfType<NotificationFailed>(), f => f.Final);
        Assert.Equal("webhook", final.Channel);
        Assert.Contains("400", final.Reason, StringComparison.Ordinal);
        Assert.Contains(events.OfType<StaffAlerted>(), n => n.Channel == "email");

        using var admin = await clinic.SignInAsync(ClinicFixture.AdminUserName);
        var last = "";
        var ops = await Eventually.GetAsync(
            async () => (last = await admin.GetStringAsync("/ops")).Contains("deliver-webhook-alert_error</code>: 1", StringComparison.Ordinal) ? last : null,
            "the operator view to count the poisoned delivery")
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : throw new Xunit.Sdk.XunitException($"{t.Exception?.InnerException?.Message} Last /ops page: {last}"));
        Assert.Contains("Degraded", ops, StringComparison.Ordinal);

        using var auditor = await clinic.SignInAsync(ClinicFixture.AuditorUserName);
        var refused = await auditor.GetAsync("/ops");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/denied", new Uri(clinic.BaseAddress, refused.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_message_delivered_twice_notifies_once()
    {
        var (reference, requestId) = await SubmitAsync();
        await EventsWhenAsync(requestId, e => e.OfType<StaffAlerted>().Count() == 3, "the first round of deliveries");
        var request = await clinic.RequestAsync(reference);

        // The same integration message again, as a broker redelivery or a forwarder replay would bring it.
        var conversation = NewId.NextGuid();
        await clinic.App.Services.GetRequiredService<IBus>().Publish(
            new Integration.IntakeRequestSubmitted(requestId, reference, request.ConditionSlug, false, false, request.SubmittedAt),
            context => context.ConversationId = conversation);

        // Wait until all three delivery consumers have handled the repeat (their spans end when they finish).
        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().Count(s =>
                s.Kind == ActivityKind.Consumer && s.DisplayName.Contains("-alert", StringComparison.Ordinal) &&
                Equals(s.GetTagItem("messaging.message.conversation_id"), conversation.ToString())) >= 3),
            "the repeated deliveries to be processed");

        Assert.Single(await clinic.Inbox.ReadAllAsync(), m => m.Message.Subject?.Contains(reference, StringComparison.Ordinal) == true);
        Assert.Single(clinic.Webhooks.Received, w => w.Reference == reference);
        Assert.Equal(3, (await clinic.EventsAsync(requestId)).OfType<StaffAlerted>().Count());
    }

    [Fact]
    public async Task Signed_in_staff_receive_new_requests_on_the_live_feed_and_anonymous_callers_are_refused()
    {
        using var anonymous = clinic.CreateBrowser();
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("text/event-stream");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/staff/feed")).StatusCode);

        using var staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
        staff.DefaultRequestHeaders.Accept.ParseAdd("text/event-stream");
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var response = await staff.GetAsync("/staff/feed", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("event: ready", await reader.ReadLineAsync(timeout.Token));

        var (reference, _) = await SubmitAsync();

        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(reference, StringComparison.Ordinal))
            {
                var item = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                Assert.Equal("ptsd", item.GetProperty("condition").GetString());
                Assert.DoesNotContain("Dana", line, StringComparison.Ordinal);
                return;
            }
        }

        Assert.Fail($"The feed ended without {reference}.");
    }

    [Fact]
    public async Task A_feed_alert_sent_by_a_worker_that_died_before_recording_it_is_sent_again_under_its_id_shown_once_and_kept_at_its_first_time()
    {
        await using var feed = await LiveFeed.OpenAsync(clinic);
        var (reference, requestId) = await SubmitAsync();
        var delivery = FeedDelivery(await clinic.RequestAsync(reference));
        var first = (await EventsWhenAsync(requestId, e => e.OfType<StaffAlerted>().Any(a => a.Channel == ChannelNames.Feed), "the feed alert recorded"))
            .OfType<StaffAlerted>().Single(a => a.Channel == ChannelNames.Feed);
        await Eventually.TrueAsync(() => Task.FromResult(feed.EventIds.Contains(delivery.DeliveryId)), $"the feed item about {reference}");

        // The item went out, then the worker died before the delivery log recorded it; its message comes back.
        await using (var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().LightweightSession())
        {
            notifications.Delete<DeliveryRecord>(delivery.DeliveryId);
            await notifications.SaveChangesAsync();
        }

        var repeat = await RepeatAsync(delivery);
        // It published the item again, and this host's feed took that copy before the marker is even published: a copy
        // the hub let through would reach the browser ahead of the marker.
        await Eventually.TrueAsync(
            () => Task.FromResult(clinic.Spans.Snapshot().Any(s =>
                s.Kind == ActivityKind.Consumer && s.TraceId == repeat && s.DisplayName.Contains("staff-feed-item", StringComparison.Ordinal))),
            "this host's feed to take the item sent again");
        await ShownAfterAllElseAsync(feed);

        Assert.Single(feed.EventIds, id => id == delivery.DeliveryId);
        // The history keeps the first send's time (time to alert counts the alert staff saw); the re-send recorded itself anew.
        var alerted = Assert.Single((await clinic.EventsAsync(requestId)).OfType<StaffAlerted>(), a => a.Channel == ChannelNames.Feed);
        Assert.Equal(first.NotifiedAt, alerted.NotifiedAt);
        Assert.True(await DeliveredAtAsync(delivery) > first.NotifiedAt, "the re-send is in the delivery log");
    }

    /// <summary>The arrival alert's feed delivery for a request, as the routing made it.</summary>
    private static DeliverStaffAlert FeedDelivery(RequestView request) =>
        new(request.Id, request.Reference, request.ConditionSlug, false, false, request.SubmittedAt, ChannelNames.Feed, FeedChannel.Recipient);

    private async Task<DateTimeOffset?> DeliveredAtAsync(DeliverStaffAlert delivery)
    {
        await using var notifications = clinic.App.Services.GetRequiredService<INotificationsStore>().QuerySession();
        return (await notifications.LoadAsync<DeliveryRecord>(delivery.DeliveryId))?.DeliveredAt;
    }

    /// <summary>Sends the delivery to the feed's queue again, and waits until it and the report it made were handled; returns its trace.</summary>
    private async Task<ActivityTraceId> RepeatAsync(DeliverStaffAlert delivery)
    {
        var services = clinic.App.Services;
        var conversation = NewId.NextGuid();
        var queue = await services.GetRequiredService<IBus>().GetSendEndpoint(
            DeliveryQueues.For(ChannelNames.Feed, services.GetRequiredService<IEndpointNameFormatter>()));
        await queue.Send(delivery, context => context.ConversationId = conversation);
        var handled = await Eventually.GetAsync(() => Task.FromResult(Handled(conversation, "deliver-feed-alert")), "the repeated feed delivery to be handled");
        await Eventually.GetAsync(() => Task.FromResult(Handled(conversation, "staff-notified")), "the repeated report to be handled");
        return handled.TraceId;
    }

    private Activity? Handled(Guid conversation, string queue) =>
        clinic.Spans.Snapshot().FirstOrDefault(s =>
            s.Kind == ActivityKind.Consumer && s.DisplayName.Contains(queue, StringComparison.Ordinal) &&
            Equals(s.GetTagItem("messaging.message.conversation_id"), conversation.ToString()));

    /// <summary>Publishes one more feed item and waits for it: whatever this host's feed took before it was published has reached the browser by then.</summary>
    private async Task ShownAfterAllElseAsync(LiveFeed feed)
    {
        var marker = $"marker-{Guid.NewGuid():N}";
        await clinic.App.Services.GetRequiredService<IBus>().Publish(
            new StaffFeedItem(marker, Guid.Empty, "KC-MARKR-00000", false, false, "ptsd", DateTimeOffset.UtcNow, clinic.BaseAddress));
        await Eventually.TrueAsync(() => Task.FromResult(feed.EventIds.Contains(marker)), "the marker item on the staff feed");
    }

    /// <summary>A signed-in staff browser's live feed, read in the background: the id of every event it received, in order.</summary>
    private sealed class LiveFeed : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private HttpClient? _staff;
        private HttpResponseMessage? _response;
        private Task? _reading;

        public ConcurrentQueue<string> EventIds { get; } = new();

        public static async Task<LiveFeed> OpenAsync(ClinicFixture clinic)
        {
            var feed = new LiveFeed();
            feed._staff = await clinic.SignInAsync(ClinicFixture.StaffUserName);
            feed._staff.DefaultRequestHeaders.Accept.ParseAdd("text/event-stream");
            feed._response = await feed._staff.GetAsync("/staff/feed", HttpCompletionOption.ResponseHeadersRead, feed._stop.Token);
            var reader = new StreamReader(await feed._response.Content.ReadAsStreamAsync(feed._stop.Token));
            Assert.Equal("event: ready", await reader.ReadLineAsync(feed._stop.Token));
            feed._reading = feed.ReadAsync(reader);
            return feed;
        }

        private async Task ReadAsync(StreamReader reader)
        {
            using (reader)
            {
                try
                {
                    while (await reader.ReadLineAsync(_stop.Token) is { } line)
                    {
                        if (line.StartsWith("id:", StringComparison.Ordinal))
                        {
                            EventIds.Enqueue(line["id:".Length..].Trim());
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException && _stop.IsCancellationRequested)
                {
                    // Closed by the test.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_reading is not null)
            {
                await _reading;
            }

            _response?.Dispose();
            _staff?.Dispose();
            _stop.Dispose();
        }
    }
}
