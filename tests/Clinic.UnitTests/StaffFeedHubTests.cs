using Clinic.Modules.Notifications.Feed;

namespace Clinic.UnitTests;

/// <summary>
/// The staff feed's hub is the receiver the feed's deliveries rely on to drop a repeat: an item sent again under its
/// delivery id (a redelivered alert, two attempts at once) reaches a connected browser once.
/// </summary>
public sealed class StaffFeedHubTests
{
    private static StaffFeedEvent Item(string id) => new(id, "request", new { reference = id });

    [Fact]
    public async Task An_item_published_again_under_its_id_reaches_a_connected_browser_once()
    {
        var hub = new StaffFeedHub();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var item in hub.SubscribeAsync(null, stop.Token))
            {
                received.Add(item.Id);
                if (item.Id == "last")
                {
                    return;
                }
            }
        });
        while (hub.SubscriberCount == 0)
        {
            await Task.Delay(5, stop.Token);
        }

        hub.Publish(Item("delivery-1"));
        hub.Publish(Item("delivery-2"));
        hub.Publish(Item("delivery-1"));
        hub.Publish(Item("last"));
        await reading;

        Assert.Equal(["delivery-1", "delivery-2", "last"], received);
    }

    [Fact]
    public async Task A_browser_reconnecting_after_a_repeat_misses_nothing_and_sees_no_item_twice()
    {
        var hub = new StaffFeedHub();
        hub.Publish(Item("delivery-1"));
        hub.Publish(Item("delivery-2"));
        hub.Publish(Item("delivery-2"));
        hub.Publish(Item("delivery-3"));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var missed = new List<string>();
        await foreach (var item in hub.SubscribeAsync("delivery-1", stop.Token))
        {
            missed.Add(item.Id);
            if (item.Id == "delivery-3")
            {
                break;
            }
        }

        Assert.Equal(["delivery-2", "delivery-3"], missed);
    }
}
