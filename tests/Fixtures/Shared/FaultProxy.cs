using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Tests;

/// <summary>What a <see cref="FaultProxy"/> does with one request.</summary>
public abstract record Fault
{
    /// <summary>Answer with this status (and <c>Retry-After</c> seconds, if given) instead of the registry.</summary>
    public sealed record Status(int Code, int? RetryAfterSeconds = null) : Fault;

    /// <summary>Wait, then forward.</summary>
    public sealed record Slow(TimeSpan Delay) : Fault;

    /// <summary>Read the request and never answer.</summary>
    public sealed record Silent : Fault;

    /// <summary>Forward, then change one byte of the body and keep the registry's <c>Docker-Content-Digest</c>.</summary>
    public sealed record Tamper : Fault;

    /// <summary>Forward, then send a body that is not JSON, with a <c>Docker-Content-Digest</c> that matches it.</summary>
    public sealed record Garble : Fault;

    /// <summary>Answer with a redirect to <paramref name="Location"/>.</summary>
    public sealed record Redirect(string Location) : Fault;
}

/// <summary>
/// A fault-injecting HTTP proxy in front of a registry (the registry tests' own): it forwards requests to the registry
/// and counts them, unless <see cref="Plan"/> names a fault for a request (429/5xx, slow, silent, tampered or garbled
/// answers). Connections that start with a TLS handshake are closed, as a plain-HTTP registry's would fail.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly HttpClient _upstream;
    private readonly MiniHttpServer _server;

    /// <summary>Starts a proxy on a free loopback port for the registry at <paramref name="upstream"/> (<c>http://127.0.0.1:PORT</c>).</summary>
    public FaultProxy(string upstream)
    {
        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = new Uri(upstream) };
        _server = new MiniHttpServer(HandleAsync);
    }

    /// <summary><c>127.0.0.1:PORT</c>: use it as the registry in names.</summary>
    public string Address => _server.Address;

    /// <summary>Chooses a fault for a request, or null to forward it. Replace between tests.</summary>
    public Func<MiniRequest, Fault?> Plan { get; set; } = _ => null;

    /// <summary>Requests seen, in order.</summary>
    public IReadOnlyList<MiniRequest> Requests => _server.Requests.ToList();

    /// <summary>How many GETs went to <c>/v2/…/manifests/</c> or <c>/v2/…/blobs/</c>.</summary>
    public int Gets => Requests.Count(r => r.Method == "GET" && r.Path.StartsWith("/v2/", StringComparison.Ordinal));

    /// <summary>Connections that opened with something other than HTTP (a client trying TLS first), since the start.</summary>
    public int NonHttpConnections => _server.NonHttpConnections;

    /// <summary>How many requests fetched a layer or config blob.</summary>
    public int BlobGets => Requests.Count(r => r.Method == "GET" && r.Path.Contains("/blobs/", StringComparison.Ordinal));

    /// <summary>Forgets the requests seen so far and every fault.</summary>
    public void Reset()
    {
        Plan = _ => null;
        while (_server.Requests.TryDequeue(out _))
        {
        }
    }

    /// <summary>Stops it.</summary>
    public void Dispose()
    {
        _server.Dispose();
        _upstream.Dispose();
    }

    private async Task<MiniResponse?> HandleAsync(MiniRequest request)
    {
        var fault = Plan(request);
        switch (fault)
        {
            case Fault.Status status:
                var answer = MiniResponse.Json(status.Code, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"injected by the test proxy\"}]}");
                if (status.RetryAfterSeconds is { } seconds)
                {
                    answer.Headers.Add(("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                return answer;
            case Fault.Silent:
                return null;
            case Fault.Redirect redirect:
                return new MiniResponse(307, null, ("Location", redirect.Location));
            case Fault.Slow slow:
                await Task.Delay(slow.Delay);
                break;
        }

        var forwarded = await ForwardAsync(request);
        if (fault is Fault.Tamper && forwarded.Body.Length > 0)
        {
            var body = (byte[])forwarded.Body.Clone();
            var at = Array.IndexOf(body, (byte)'2');
            body[at < 0 ? body.Length - 2 : at] = (byte)(at < 0 ? ' ' : '3');
            forwarded.Body = body;
        }
        else if (fault is Fault.Garble)
        {
            var garbled = Encoding.UTF8.GetBytes("{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"manifests\": [");
            forwarded.Body = garbled;
            forwarded.Headers.RemoveAll(h => h.Name.Equals("Docker-Content-Digest", StringComparison.OrdinalIgnoreCase));
            forwarded.Headers.Add(("Docker-Content-Digest", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(garbled))));
        }

        return forwarded;
    }

    private async Task<MiniResponse> ForwardAsync(MiniRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Target);
        foreach (var (name, value) in request.Headers)
        {
            if (name is "Host" or "Content-Length" or "Connection" or "Content-Type")
            {
                continue;
            }

            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Body.Length > 0)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.Headers.TryGetValue("Content-Type", out var type))
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        using var response = await _upstream.SendAsync(message, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync();
        var answer = new MiniResponse((int)response.StatusCode, body);
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            foreach (var value in header.Value)
            {
                answer.Headers.Add((header.Key, value));
            }
        }

        return answer;
    }
}
