using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>
/// A listener that accepts connections and never answers — a hung engine, or something that is not an engine,
/// on a loopback TCP port or a unix socket. It counts what it accepted so a test can tell the client really connected.
/// </summary>
internal sealed class SilentListener : IDisposable
{
    private readonly Socket _listener;
    private readonly ConcurrentBag<Socket> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string? _socketPath;

    private SilentListener(Socket listener, string endpoint, string? socketPath)
    {
        _listener = listener;
        Endpoint = endpoint;
        _socketPath = socketPath;
        _ = AcceptForeverAsync();
    }

    /// <summary>The endpoint to give the engine client.</summary>
    public string Endpoint { get; }

    /// <summary>How many connections were accepted.</summary>
    public int Accepted => _accepted.Count;

    public static SilentListener OnLoopbackTcp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(16);
        return new SilentListener(socket, "tcp://127.0.0.1:" + ((IPEndPoint)socket.LocalEndPoint!).Port, null);
    }

    public static SilentListener OnUnixSocket()
    {
        var path = Path.Combine("/tmp", "its-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(16);
        return new SilentListener(socket, "unix://" + path, path);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var socket in _accepted)
        {
            socket.Dispose();
        }

        if (_socketPath is not null)
        {
            File.Delete(_socketPath);
        }

        _stop.Dispose();
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Accept and hold: read nothing, write nothing.
                _accepted.Add(await _listener.AcceptAsync(_stop.Token));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }
}
