using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Concurrency;
using ImgTrack.Identity;
using ImgTrack.Network;
using ImgTrack.Text;

namespace ImgTrack.Engine;

/// <summary>
/// <see cref="IImageEngine"/> over the Docker engine API: four GET requests (<c>/version</c>, <c>/info</c>,
/// <c>/images/json</c>, <c>/images/{name}/json</c>) on an <see cref="HttpClient"/> whose transport keeps connections
/// alive (<see cref="EngineTransport"/>), answers read into Docker.DotNet's models (<see cref="EngineAnswers"/>). Not
/// Docker.DotNet's <c>DockerClient</c>: its image inspect cannot ask for <c>manifests=1</c> (the containerd store's
/// platform manifest), and it reads every member of an answer with its own date converter, so one odd <c>Created</c>
/// costs the image (a <c>JsonException</c>; in the list a <c>NotImplementedException</c> for <c>null</c>). No API version is
/// pinned: unversioned paths are answered by every engine at its own version, from Debian's dockerd 20.10 (API 1.41) to
/// Docker 29 (which refuses clients below 1.44); the handshake refuses engines below <see cref="EngineApiVersion.Minimum"/>.
/// Each call is bounded by a time limit and by the caller's token, raced here rather than trusted to the transport, so
/// neither a silent engine nor Ctrl+C can leave a caller hanging. Thread-safe: calls may run concurrently.
/// </summary>
internal sealed class DockerImageEngine : IImageEngine
{
    private readonly EngineEndpoint _endpoint;
    private readonly EngineOptions _options;
    private readonly TlsAuthProvider? _tls;
    private readonly HttpClient _http;

    // "?manifests=1" once the handshake found an API that answers it (1.48+), so the containerd image store tells the
    // platform manifest of an index; engines without that store ignore it.
    private string _inspectQuery = string.Empty;

    // True once the engine answered any request: a transport failure after that is a connection lost mid-run, not an
    // engine to install or start.
    private bool _answered;

    public DockerImageEngine(EngineEndpoint endpoint, EngineOptions options)
    {
        _endpoint = endpoint;
        _options = options;
        _tls = endpoint.Tls is null ? null : TlsAuthProvider.Load(endpoint);
        _http = EngineTransport.Create(endpoint, _tls);
    }

    public string Endpoint => _endpoint.ToString();

    /// <summary>The resolved endpoint, with where it came from.</summary>
    public EngineEndpoint ResolvedEndpoint => _endpoint;

    public async Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        // The handshake fails fast (AnswerTimeout), and never waits longer than a request may (-TimeoutSec).
        var timeout = _options.AnswerTimeout < _options.RequestTimeout ? _options.AnswerTimeout : _options.RequestTimeout;
        var version = await CallAsync("GET /version", token => GetAsync("GET /version", "version", EngineAnswers.Version, static v => v, token), timeout, handshake: true, cancellationToken).ConfigureAwait(false);
        if (EngineApiVersion.IsAtLeast(version.APIVersion, EngineApiVersion.Minimum) == false)
        {
            throw new EngineApiTooOldException(MessageText.Format(EngineMessages.ApiTooOld, Endpoint, _endpoint.Source, version.APIVersion, EngineApiVersion.Minimum));
        }

        var info = await CallAsync("GET /info", token => GetAsync("GET /info", "info", EngineAnswers.Info, static i => i, token), timeout, handshake: true, cancellationToken).ConfigureAwait(false);
        if (EngineApiVersion.IsAtLeast(version.APIVersion, EngineApiVersion.InspectManifests) == true)
        {
            _inspectQuery = "?manifests=1";
        }

        return EngineAnswers.ToEngineInfo(Endpoint, version, info);
    }

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken)
    {
        return await CallAsync(
            "GET /images/json",
            GetListAsync,
            _options.RequestTimeout,
            handshake: false,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken)
    {
        if (nameOrId is null)
        {
            throw new ArgumentNullException(nameof(nameOrId));
        }

        // The name goes into the URL path unescaped, as the docker CLI sends it; no image can be named with these, so
        // none is found.
        if (nameOrId.Length == 0 || nameOrId.IndexOfAny(s_notInNames) >= 0)
        {
            return null;
        }

        var request = "GET /images/" + nameOrId + "/json";
        try
        {
            return await CallAsync(
                request,
                token => GetAsync(request, "images/" + nameOrId + "/json" + _inspectQuery, EngineAnswers.Inspect, i => EngineAnswers.ToFacts(i, Endpoint), token),
                _options.RequestTimeout,
                handshake: false,
                cancellationToken).ConfigureAwait(false);
        }
        catch (EngineRequestException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    private static readonly char[] s_notInNames = { '?', '#', '%', ' ', '\t', '\r', '\n', '\\' };

    /// <summary>One GET: an error status becomes <see cref="EngineRequestException"/> with the engine's own words; a
    /// success is read into <paramref name="model"/> and turned into ours by <paramref name="map"/>; an answer that is not
    /// JSON, or not the documented JSON, or larger than any engine's, becomes <see cref="EngineProtocolException"/>.</summary>
    private Task<T> GetAsync<TModel, T>(string request, string relativeUri, JsonTypeInfo<TModel> model, Func<TModel, T> map, CancellationToken cancellationToken)
        where TModel : class =>
        SendAsync(request, relativeUri, async (stream, token) => map(EngineAnswers.Read(await ReadCappedAsync(stream, token).ConfigureAwait(false), model)), cancellationToken);

    /// <summary>The image list, read as it streams in (<see cref="ImageListReader"/>).</summary>
    private Task<IReadOnlyList<ImageSummary>> GetListAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<ImageSummary>>(
            "GET /images/json",
            "images/json",
            async (stream, token) => await ImageListReader.ReadAsync(stream, _options, token).ConfigureAwait(false),
            cancellationToken);

    private async Task<T> SendAsync<T>(string request, string relativeUri, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        // HTTP/1.1 said outright: Mono's HttpRequestMessage defaults to 2.0, which Docker.DotNet's transports write into
        // the request line and dockerd answers with 505. .NET Framework and .NET send 1.1 by default anyway.
        using var message = new HttpRequestMessage(HttpMethod.Get, relativeUri) { Version = HttpVersion.Version11 };
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _answered, true);
        var status = (int)response.StatusCode;
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            if (status < 200 || status > 299)
            {
                var text = Encoding.UTF8.GetString(await ReadCappedAsync(stream, cancellationToken).ConfigureAwait(false));

                // dockerd's answer to plain HTTP on a TLS port.
                if (_tls is null && status == (int)HttpStatusCode.BadRequest && text.IndexOf("HTTPS server", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    throw new EngineUnreachableException(MessageText.Format(EngineMessages.TlsNotConfigured, Endpoint, _endpoint.Source));
                }

                throw new EngineRequestException(MessageText.Format(EngineMessages.EngineError, Endpoint, request, status, EngineMessageOf(text)), status, new HttpRequestException(text));
            }

            return await read(stream, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new EngineProtocolException(MessageText.Format(EngineMessages.NotTheEngineApi, Endpoint, _endpoint.Source, request, EngineMessages.AnswerNotJson), e);
        }
        catch (InvalidDataException e)
        {
            throw new EngineProtocolException(MessageText.Format(EngineMessages.NotTheEngineApi, Endpoint, _endpoint.Source, request, MessageText.Format(EngineMessages.AnswerNotDocumented, e.Message)), e);
        }
        catch (AnswerTooLargeException e)
        {
            throw new EngineProtocolException(MessageText.Format(EngineMessages.NotTheEngineApi, Endpoint, _endpoint.Source, request, MessageText.Format(EngineMessages.AnswerTooLarge, e.Message)), e);
        }
    }

    // Reads an answer whole, up to MaxAnswerBytes: no answer but the image list is large, and that one streams.
    private async Task<byte[]> ReadCappedAsync(Stream stream, CancellationToken cancellationToken)
    {
        var limit = _options.MaxAnswerBytes;
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > limit)
            {
                throw new AnswerTooLargeException(MessageText.Format(EngineMessages.AnswerLimitBody, limit / (1024 * 1024)));
            }

            body.Write(chunk, 0, read);
        }

        return body.ToArray();
    }

    /// <summary>Runs one engine call under a time limit and the caller's token, and turns transport failures into
    /// <see cref="EngineUnreachableException"/> and engine errors into <see cref="EngineRequestException"/>.</summary>
    private async Task<T> CallAsync<T>(string request, Func<CancellationToken, Task<T>> call, TimeSpan timeout, bool handshake, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Task<T>? task = null;
        try
        {
            task = call(linked.Token);
            return await task.WaitOrCancelAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not EngineUnreachableException and not EngineRequestException)
        {
            if (task is not null && !task.IsCompleted)
            {
                // Abandoned: the transport gives up on its own once the token fired; observe its fault then.
                _ = task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            if (deadline.IsCancellationRequested)
            {
                var seconds = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.CurrentCulture);

                // An engine that never answered is unreachable; one that answered the handshake and then stopped is hung
                // or frozen mid-run: a timeout of its own, after which what was written stays written.
                throw handshake
                    ? new EngineUnreachableException(MessageText.Format(EngineMessages.NoAnswer, Endpoint, _endpoint.Source, seconds), e)
                    : new EngineTimeoutException(MessageText.Format(EngineMessages.RequestTimedOut, Endpoint, _endpoint.Source, request, seconds), e);
            }

            throw Translate(request, e);
        }
    }

    /// <summary>Turns a failed engine call into the exception a caller sees. Internal for the tests, which feed it
    /// the failures a real transport raises (a socket the account may not use, a pipe it may not open).</summary>
    internal Exception Translate(string request, Exception error)
    {
        // Bytes came back, but not HTTP (a TLS port spoken to in plain text, a non-HTTP service): not an engine.
        if (IsInvalidHttp(error))
        {
            return new EngineProtocolException(MessageText.Format(EngineMessages.NotTheEngineApi, Endpoint, _endpoint.Source, request, EngineMessages.AnswerNotHttp), error);
        }

        var socketError = TransportFailure.Find<SocketException>(error);
        if (_tls is not null && socketError is null)
        {
            // A handshake the engine breaks off (no or wrong client certificate) surfaces as an IOException.
            var reason = _tls.LastRejection ?? TransportFailure.Innermost(error).Message;
            var settings = _endpoint.Tls!;
            if (!System.IO.File.Exists(settings.CertificateFile))
            {
                reason += " " + MessageText.Format(EngineMessages.TlsClientCertificateHint, settings.CertificateFile, settings.KeyFile);
            }

            return new EngineUnreachableException(
                MessageText.Format(EngineMessages.TlsHandshakeFailed, Endpoint, _endpoint.Source, reason, settings.CertificateDirectory), error);
        }

        var accessDenied = TransportFailure.Find<UnauthorizedAccessException>(error);
        if (socketError is not null || accessDenied is not null
            || TransportFailure.Is(error))
        {
            var reason = MessageText.Neutralize((socketError ?? accessDenied ?? TransportFailure.Innermost(error)).Message).TrimEnd('.') + ".";
            var unix = _endpoint.Address.Scheme == "unix";

            // An engine that has answered is installed and was running: installing or starting it is the wrong advice
            // when the connection breaks later (a crash or restart mid-run, a proxy or tunnel that cut the answer).
            if (Volatile.Read(ref _answered))
            {
                return new EngineUnreachableException(MessageText.Format(EngineMessages.ConnectionLost, Endpoint, _endpoint.Source, request, reason), error);
            }

            var fixes = EngineMessages.EngineFixes;

            // Permission first: a socket in a folder the account may not search is also "not there" to File.Exists.
            if (unix && socketError?.SocketErrorCode == SocketError.AccessDenied)
            {
                reason = MessageText.Format(EngineMessages.SocketAccessDenied, _endpoint.Address.LocalPath);
            }
            else if (unix && !File.Exists(_endpoint.Address.LocalPath))
            {
                // .NET reports a missing socket file as "Cannot assign requested address"; say what it means.
                reason = MessageText.Format(EngineMessages.SocketMissing, _endpoint.Address.LocalPath);
            }
            else if (_endpoint.Address.Scheme == "npipe" && accessDenied is not null)
            {
                // The pipe's ACL, not a missing engine: only an account the pipe admits, or a group named in daemon.json,
                // gets in (Windows only; not verifiable here).
                reason = MessageText.Format(EngineMessages.PipeAccessDenied, _endpoint.Address.OriginalString, AccountName());
                fixes = EngineMessages.PipeAccessFixes;
            }
            else if (socketError?.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
            {
                // The name in the endpoint does not resolve: nothing was asked of any engine yet.
                reason = MessageText.Format(EngineMessages.HostNotFound, _endpoint.Address.Host, reason);
                fixes = MessageText.Format(EngineMessages.HostNotFoundFixes, _endpoint.Address.Host);
            }

            return new EngineUnreachableException(
                MessageText.Format(EngineMessages.Unreachable, Endpoint, _endpoint.Source, reason, fixes), error);
        }

        // Anything else is an answer we cannot read; the exception is kept, its text stays out of the message.
        return new EngineProtocolException(MessageText.Format(EngineMessages.NotTheEngineApi, Endpoint, _endpoint.Source, request, EngineMessages.AnswerNotHttp), error);
    }

    // .NET 8+ says what went wrong in HttpRequestException.HttpRequestError (read by name: netstandard2.0 cannot name
    // it); InvalidResponse is a status line or header that is not HTTP. Docker.DotNet's ManagedHandler (Windows
    // PowerShell 5.1) reports a bad status line as a FormatException.
    private static bool IsInvalidHttp(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException && s_httpRequestError?.GetValue(e)?.ToString() == "InvalidResponse")
            {
                return true;
            }

            if (e is FormatException or InvalidDataException)
            {
                return true;
            }
        }

        return false;
    }

    private static readonly PropertyInfo? s_httpRequestError = typeof(HttpRequestException).GetProperty("HttpRequestError");

    private static string EngineMessageOf(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        // Engine errors are {"message":"…"}.
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body!);
            if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                return message.GetString() ?? string.Empty;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: use the text as it is.
        }

        return body!.Trim();
    }

    private static string AccountName() =>
        string.IsNullOrEmpty(Environment.UserDomainName) ? Environment.UserName : Environment.UserDomainName + "\\" + Environment.UserName;
}
