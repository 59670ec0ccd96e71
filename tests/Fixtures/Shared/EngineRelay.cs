using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Tests;

/// <summary>
/// A unix-socket relay in front of a real engine that runs a hook of the test's before it forwards each HTTP request,
/// so a test can make something happen at an exact point of a run: kill the engine, freeze it (SIGSTOP), remove an
/// image between the list and its inspect. Requests are counted by their request lines in the client-to-engine bytes,
/// keep-alive or not. The hook returns false to drop every connection instead of forwarding (the engine is gone).
/// </summary>
public sealed class EngineRelay : IDisposable
{
    private readonly Func<EngineRelayRequest, Task<bool>> _beforeForward;
    private readonly Socket _listener;
    private readonly string _enginePath;
    private readonly string _path;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = new();
    private readonly SemaphoreSlim _hookGate = new(1, 1);
    private int _requests;

    /// <summary>Listens on <paramref name="path"/> and relays to the engine at <paramref name="engineDockerHost"/> (<c>unix://…</c>).</summary>
    public EngineRelay(string engineDockerHost, string path, Func<EngineRelayRequest, Task<bool>> beforeForward)
    {
        _beforeForward = beforeForward;
        _enginePath = new Uri(engineDockerHost).AbsolutePath;
        _path = path;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(128);
        Endpoint = "unix://" + path;
        _ = Task.Run(AcceptLoop);
    }

    /// <summary><c>unix://…</c> of the relay, for <c>-DockerHost</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Requests seen so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Sends a signal to a process (<c>kill -STOP</c>, <c>kill -CONT</c>): freezing and thawing the engine.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", new[] { "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({kill.ExitCode}).");
        }
    }

    /// <summary>Drops every relayed connection.</summary>
    public void CloseAll()
    {
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }

            _open.Clear();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        CloseAll();
        File.Delete(_path);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_enginePath));
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            _ = Task.Run(() => Relay(client, upstream, requests: true));
            _ = Task.Run(() => Relay(upstream, client, requests: false));
        }
    }

    private async Task Relay(Socket from, Socket to, bool requests)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (requests && !await BeforeForward(Encoding.ASCII.GetString(buffer, 0, read)))
                {
                    CloseAll();
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception)
        {
            // Either side went away: the relay ends with it.
        }

        from.Dispose();
        to.Dispose();
    }

    // Runs the hook for every request line in this chunk, one request at a time across connections.
    private async Task<bool> BeforeForward(string chunk)
    {
        var index = 0;
        while ((index = chunk.IndexOf(" HTTP/1.1\r\n", index, StringComparison.Ordinal)) >= 0)
        {
            var start = chunk.LastIndexOf("\r\n", index, StringComparison.Ordinal);
            var line = chunk.Substring(start < 0 ? 0 : start + 2, index - (start < 0 ? 0 : start + 2));
            index++;
            await _hookGate.WaitAsync();
            try
            {
                if (!await _beforeForward(new EngineRelayRequest(line, Interlocked.Increment(ref _requests))))
                {
                    return false;
                }
            }
            finally
            {
                _hookGate.Release();
            }
        }

        return true;
    }
}

/// <summary>One request an <see cref="EngineRelay"/> is about to forward.</summary>
/// <param name="Line">The request line without the protocol, e.g. <c>GET /images/sha256:…/json</c>.</param>
/// <param name="Number">Its number in the relay's count, from 1.</param>
public sealed record EngineRelayRequest(string Line, int Number);
