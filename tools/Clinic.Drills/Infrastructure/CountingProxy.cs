using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Clinic.Drills.Infrastructure;

/// <summary>
/// A loopback TCP relay that counts what passes through it: connections, and for PostgreSQL (plain protocol,
/// no TLS) the client's messages: every query text (simple and extended), every Sync (one round trip of the
/// extended protocol) and every DISCARD ALL (Npgsql's reset of a pooled connection). It needs no server
/// privileges and sees exactly what the host sends, whatever else shares the database.
/// </summary>
internal sealed partial class CountingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly bool _postgres;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _statements = new(StringComparer.Ordinal);
    private long _connections;
    private long _syncs;
    private long _simpleQueries;
    private long _discards;
    private long _begins;
    private Task? _accepting;

    private CountingProxy(string targetHost, int targetPort, bool postgres)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _postgres = postgres;
        _listener = new TcpListener(IPAddress.Loopback, 0);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Statement text (schema names replaced by <c>{schema}</c>, literals kept) → how often the host sent it.</summary>
    public IReadOnlyDictionary<string, long> Statements => _statements;

    public Counts Snapshot() => new(
        Interlocked.Read(ref _connections), Interlocked.Read(ref _syncs), Interlocked.Read(ref _simpleQueries),
        Interlocked.Read(ref _discards), Interlocked.Read(ref _begins), new Dictionary<string, long>(_statements, StringComparer.Ordinal));

    /// <param name="Syncs">Extended-protocol round trips (one per command or batch).</param>
    /// <param name="SimpleQueries">Simple-protocol queries, DISCARD ALL and BEGIN included.</param>
    /// <param name="Discards">DISCARD ALL: pipelined with the next command, so no round trip of its own, but parsed and run by the server.</param>
    /// <param name="Begins">BEGIN, likewise pipelined with the next command.</param>
    internal sealed record Counts(long Connections, long Syncs, long SimpleQueries, long Discards, long Begins, Dictionary<string, long> Statements)
    {
        /// <summary>Round trips the host waits for: every Sync, and every simple query not pipelined ahead of another (COMMIT, ROLLBACK, …).</summary>
        public long RoundTrips => Syncs + SimpleQueries - Discards - Begins;

        public Counts Minus(Counts earlier) => new(
            Connections - earlier.Connections, Syncs - earlier.Syncs, SimpleQueries - earlier.SimpleQueries, Discards - earlier.Discards,
            Begins - earlier.Begins,
            Statements.ToDictionary(s => s.Key, s => s.Value - earlier.Statements.GetValueOrDefault(s.Key), StringComparer.Ordinal));
    }

    public static CountingProxy Start(string targetHost, int targetPort, bool postgres, Func<string, string>? normalise = null)
    {
        var proxy = new CountingProxy(targetHost, targetPort, postgres) { _normalise = normalise ?? (s => s) };
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    private Func<string, string> _normalise = s => s;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                server.NoDelay = true;
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                var fromClient = client.GetStream();
                var toServer = server.GetStream();
                var upstream = _postgres ? PumpPostgresAsync(fromClient, toServer) : fromClient.CopyToAsync(toServer, _stop.Token);
                var downstream = toServer.CopyToAsync(fromClient, _stop.Token);
                await Task.WhenAny(upstream, downstream);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side went away: the other is closed with it.
                if (e is not (EndOfStreamException or OperationCanceledException))
                {
                    Console.Error.WriteLine($"counting relay to port {_targetPort}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
    }

    /// <summary>Forwards the client's messages one by one, counting them on the way.</summary>
    private async Task PumpPostgresAsync(NetworkStream from, NetworkStream to)
    {
        var header = new byte[5];
        // Untyped start-up messages first: SSL/GSS requests (answered "no" by a server without TLS) and the startup packet.
        while (true)
        {
            await from.ReadExactlyAsync(header.AsMemory(0, 4), _stop.Token);
            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            var body = new byte[length];
            header.AsSpan(0, 4).CopyTo(body);
            await from.ReadExactlyAsync(body.AsMemory(4), _stop.Token);
            await to.WriteAsync(body, _stop.Token);
            var code = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(4));
            if (code is not (80877103 or 80877104))
            {
                break;
            }
        }

        while (true)
        {
            await from.ReadExactlyAsync(header, _stop.Token);
            var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            var message = new byte[length + 1];
            header.CopyTo(message, 0);
            await from.ReadExactlyAsync(message.AsMemory(5), _stop.Token);
            Count((char)header[0], message.AsSpan(5));
            await to.WriteAsync(message, _stop.Token);
        }
    }

    private void Count(char type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case 'S':
                Interlocked.Increment(ref _syncs);
                break;
            case 'Q':
                {
                    Interlocked.Increment(ref _simpleQueries);
                    var text = CString(body);
                    if (text.StartsWith("DISCARD ALL", StringComparison.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref _discards);
                    }
                    else if (text.StartsWith("BEGIN", StringComparison.OrdinalIgnoreCase))
                    {
                        Interlocked.Increment(ref _begins);
                    }

                    Tally("Q " + text);
                    break;
                }

            case 'P':
                {
                    // Statement name, then the query text.
                    var name = body.IndexOf((byte)0);
                    Tally(CString(body[(name + 1)..]));
                    break;
                }
        }
    }

    private void Tally(string text) => _statements.AddOrUpdate(_normalise(Spaces().Replace(text, " ").Trim()), 1, (_, n) => n + 1);

    private static string CString(ReadOnlySpan<byte> span)
    {
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accepting is not null)
        {
            await _accepting;
        }

        _stop.Dispose();
    }
}
