using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Clinic.Modules.Notifications.Feed;

/// <summary>One server-sent event for the staff feed: its id (for Last-Event-ID), its event type and its data.</summary>
internal sealed record StaffFeedEvent(string Id, string Type, object Data);

/// <summary>
/// Fans alerts and live hints out to the staff browsers connected to this host, and keeps the last few so a browser
/// that reconnects (with Last-Event-ID) misses nothing that happened while it was away.
/// </summary>
internal sealed class StaffFeedHub
{
    private const int Remembered = 200;
    private readonly Lock _gate = new();
    private readonly LinkedList<StaffFeedEvent> _recent = new();
    private readonly List<Channel<StaffFeedEvent>> _subscribers = [];

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public void Publish(StaffFeedEvent item)
    {
        lock (_gate)
        {
            if (_recent.Any(r => r.Id == item.Id))
            {
                return;
            }

            _recent.AddLast(item);
            if (_recent.Count > Remembered)
            {
                _recent.RemoveFirst();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(item);
            }
        }
    }

    public async IAsyncEnumerable<StaffFeedEvent> SubscribeAsync(string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<StaffFeedEvent>(new BoundedChannelOptions(Remembered) { FullMode = BoundedChannelFullMode.DropOldest });
        List<StaffFeedEvent> missed;
        lock (_gate)
        {
            missed = lastEventId is null
                ? []
                : [.. _recent.SkipWhile(r => r.Id != lastEventId).Skip(1)];
            _subscribers.Add(channel);
        }

        try
        {
            foreach (var item in missed)
            {
                yield return item;
            }

            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
