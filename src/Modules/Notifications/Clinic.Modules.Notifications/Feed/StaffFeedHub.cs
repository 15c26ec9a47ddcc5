using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Clinic.Modules.Notifications.Feed;

/// <summary>
/// Fans alerts out to the staff browsers connected to this host, and keeps the last few so a browser
/// that reconnects (with Last-Event-ID) misses nothing that happened while it was away.
/// </summary>
internal sealed class StaffFeedHub
{
    private const int Remembered = 200;
    private readonly Lock _gate = new();
    private readonly LinkedList<StaffFeedItem> _recent = new();
    private readonly List<Channel<StaffFeedItem>> _subscribers = [];

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

    public void Publish(StaffFeedItem item)
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

    public async IAsyncEnumerable<StaffFeedItem> SubscribeAsync(string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<StaffFeedItem>(new BoundedChannelOptions(Remembered) { FullMode = BoundedChannelFullMode.DropOldest });
        List<StaffFeedItem> missed;
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
