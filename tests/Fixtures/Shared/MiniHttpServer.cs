using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Tests;

/// <summary>One HTTP/1.1 request as a <see cref="MiniHttpServer"/> read it.</summary>
public sealed class MiniRequest
{
    /// <summary>Creates the record.</summary>
    public MiniRequest(string method, string target, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    /// <summary>GET, POST, …</summary>
    public string Method { get; }

    /// <summary>The request target (path and query).</summary>
    public string Target { get; }

    /// <summary>Headers, names case-insensitive (repeated ones joined with ", ").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body (Content-Length bodies only).</summary>
    public byte[] Body { get; }

    /// <summary>The path without the query.</summary>
    public string Path => Target.Split('?')[0];

    /// <summary>"GET /v2/…" for logs and counts.</summary>
    public override string ToString() => Method + " " + Target;
}

/// <summary>An answer for a <see cref="MiniHttpServer"/> to write; null from the handler means "never answer".</summary>
public sealed class MiniResponse
{
    /// <summary>Creates the answer.</summary>
    public MiniResponse(int status, byte[]? body = null, params (string Name, string Value)[] headers)
    {
        Status = status;
        Body = body ?? Array.Empty<byte>();
        Headers = new List<(string, string)>(headers);
    }

    /// <summary>The status code.</summary>
    public int Status { get; }

    /// <summary>The body.</summary>
    public byte[] Body { get; set; }

    /// <summary>Headers to send (Content-Length is added).</summary>
    public List<(string Name, string Value)> Headers { get; }

    /// <summary>When set, these bytes are written instead of a status line, headers and body, and the connection is closed:
    /// an answer that is not HTTP.</summary>
    public byte[]? Raw { get; init; }

    /// <summary>When set, the body is written by this callback instead of <see cref="Body"/>, after a Content-Length of
    /// <see cref="StreamLength"/>: an answer too large to hold in memory (a hostile engine's gigabyte list).</summary>
    public Func<Stream, CancellationToken, Task>? StreamBody { get; init; }

    /// <summary>The Content-Length sent with <see cref="StreamBody"/>.</summary>
    public long StreamLength { get; init; }

    /// <summary>An answer of raw bytes, not HTTP (<see cref="Raw"/>).</summary>
    public static MiniResponse NotHttp(string text) => new(0) { Raw = Encoding.ASCII.GetBytes(text) };

    /// <summary>A JSON answer.</summary>
    public static MiniResponse Json(int status, string json, params (string Name, string Value)[] headers)
    {
        var response = new MiniResponse(status, Encoding.UTF8.GetBytes(json), headers);
        response.Headers.Add(("Content-Type", "application/json"));
        return response;
    }
}

/// <summary>
/// A tiny HTTP/1.1 server on a loopback TcpListener for the registry tests' token service and fault-injecting proxy
/// (no HttpListener or Kestrel: it must also survive a TLS ClientHello, which it answers by closing). Keep-alive
/// connections are served request after request; every request is logged in <see cref="Requests"/>.
/// </summary>
public sealed class MiniHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<MiniRequest, Task<MiniResponse?>> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = new();

    /// <summary>Starts listening on 127.0.0.1 and a free port.</summary>
    public MiniHttpServer(Func<MiniRequest, Task<MiniResponse?>> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every request read, in order.</summary>
    public ConcurrentQueue<MiniRequest> Requests { get; } = new();

    /// <summary>Connections that did not start with an HTTP request (a TLS ClientHello, say).</summary>
    public int NonHttpConnections => _nonHttp;

    private int _nonHttp;

    /// <summary>Stops listening and drops every connection.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }

            _clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                while (!_stop.IsCancellationRequested)
                {
                    var request = await ReadRequestAsync(stream, _stop.Token);
                    if (request is null)
                    {
                        return;
                    }

                    Requests.Enqueue(request);
                    var response = await _handler(request);
                    if (response is null)
                    {
                        // Silent: hold the connection open, never answer.
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        return;
                    }

                    if (response.Raw is not null)
                    {
                        await stream.WriteAsync(response.Raw, _stop.Token);
                        return;
                    }

                    await WriteResponseAsync(stream, response, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away, or the server stopped.
        }
    }

    private async Task<MiniRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken token)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, token) == 0)
            {
                return null;
            }

            // An HTTP request starts with a letter; anything else (0x16: a TLS handshake) is closed at once.
            if (head.Count == 0 && !char.IsAsciiLetterUpper((char)one[0]))
            {
                Interlocked.Increment(ref _nonHttp);
                return null;
            }

            head.Add(one[0]);
            var n = head.Count;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n')
            {
                break;
            }

            if (n > 64 * 1024)
            {
                return null;
            }
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length < 3)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines[1..])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                // Repeated headers (several Accept lines, as skopeo sends) are one comma-separated list (RFC 9110).
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
            }
        }

        var body = Array.Empty<byte>();
        if (headers.TryGetValue("Content-Length", out var lengthText) && int.TryParse(lengthText, out var length) && length > 0)
        {
            body = new byte[length];
            await stream.ReadExactlyAsync(body, token);
        }

        return new MiniRequest(first[0], first[1], headers, body);
    }

    private static async Task WriteResponseAsync(NetworkStream stream, MiniResponse response, CancellationToken token)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {response.Status} {ReasonOf(response.Status)}\r\n");
        foreach (var (name, value) in response.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {(response.StreamBody is null ? response.Body.Length : response.StreamLength)}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), token);
        if (response.StreamBody is not null)
        {
            await response.StreamBody(stream, token);
            return;
        }

        await stream.WriteAsync(response.Body, token);
    }

    private static string ReasonOf(int status) => status switch
    {
        200 => "OK",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
