using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.Models;
using ImgTrack.Identity;
using ImgTrack.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImgTrack.Engine;

/// <summary>
/// <see cref="IImageEngine"/> over Docker.DotNet (the Enhanced package). No API version is pinned: unversioned
/// paths are answered by every engine at its own version, from Debian's dockerd 20.10 (API 1.41) to Docker 29
/// (which refuses clients below 1.44). Each call is bounded by a time limit and by the caller's token, raced
/// here rather than trusted to the transport, so neither a silent engine nor Ctrl+C can leave a caller hanging.
/// Thread-safe: calls may run concurrently (the transports open one connection per request).
/// </summary>
internal sealed class DockerImageEngine : IImageEngine
{
    private const string ContainerdSnapshotter = "io.containerd.snapshotter.v1";

    private readonly EngineEndpoint _endpoint;
    private readonly EngineOptions _options;
    private readonly TlsAuthProvider? _tls;
    private readonly DockerClient _client;

    public DockerImageEngine(EngineEndpoint endpoint, EngineOptions options)
    {
        _endpoint = endpoint;
        _options = options;
        _tls = endpoint.Tls is null ? null : TlsAuthProvider.Load(endpoint);
        _client = BuildClient(endpoint, _tls, options);
    }

    public string Endpoint => _endpoint.ToString();

    /// <summary>The resolved endpoint, with where it came from.</summary>
    public EngineEndpoint ResolvedEndpoint => _endpoint;

    public async Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        var version = await CallAsync("GET /version", token => _client.System.GetVersionAsync(token), _options.AnswerTimeout, cancellationToken).ConfigureAwait(false);
        var info = await CallAsync("GET /info", token => _client.System.GetSystemInfoAsync(token), _options.AnswerTimeout, cancellationToken).ConfigureAwait(false);
        return new EngineInfo(Endpoint, version?.Version, version?.APIVersion, info?.Name, UsesContainerdStore(info))
        {
            Os = NullIfEmpty(version?.Os),
            Architecture = NullIfEmpty(version?.Arch),
            Components = ComponentNames(version),
        };
    }

    public async Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var list = await CallAsync(
            "GET /images/json",
            token => _client.Images.ListImagesAsync(new ImagesListParameters(), token),
            _options.RequestTimeout,
            cancellationToken).ConfigureAwait(false);

        var images = new List<ImageSummary>(list?.Count ?? 0);
        foreach (var image in list ?? Array.Empty<ImagesListResponse>())
        {
            images.Add(new ImageSummary(
                image.ID,
                EnginePlaceholders.RemoveFrom(image.RepoTags),
                EnginePlaceholders.RemoveFrom(image.RepoDigests),
                image.Created == default ? null : new UtcTimestamp(image.Created),
                image.Size));
        }

        return images;
    }

    public async Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken)
    {
        if (nameOrId is null)
        {
            throw new ArgumentNullException(nameof(nameOrId));
        }

        // The name goes into the URL path unescaped; no image can be named with these, so none is found.
        if (nameOrId.Length == 0 || nameOrId.IndexOfAny(s_notInNames) >= 0)
        {
            return null;
        }

        ImageInspectResponse? image;
        try
        {
            image = await CallAsync(
                "GET /images/" + nameOrId + "/json",
                token => _client.Images.InspectImageAsync(nameOrId, token),
                _options.RequestTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (EngineRequestException e) when (e.StatusCode == (int)HttpStatusCode.NotFound)
        {
            return null;
        }

        if (image is null)
        {
            return null;
        }

        return new ImageFacts(
            image.ID,
            EnginePlaceholders.RemoveFrom(image.RepoTags),
            EnginePlaceholders.RemoveFrom(image.RepoDigests),
            image.Created is { } created ? new UtcTimestamp(created) : null,
            NullIfEmpty(image.Os),
            NullIfEmpty(image.Architecture),
            NullIfEmpty(image.Variant),
            image.Size);
    }

    public void Dispose() => _client.Dispose();

    private static readonly char[] s_notInNames = { '?', '#', '%', ' ', '\t', '\r', '\n', '\\' };

    private static DockerClient BuildClient(EngineEndpoint endpoint, IAuthProvider? tls, EngineOptions options)
    {
        // The transport is chosen here, not by DockerClientBuilder's parameterless constructor, which would
        // resolve DOCKER_HOST and the Docker context again itself (and fail on a context we did not ask for).
        // Options go in through the With* methods only: the package's init-only setters have different
        // signatures in its netstandard2.0 and net8+ builds, so calling them from our netstandard2.0 assembly
        // fails with MissingMethodException on modern .NET.
        var defaults = new ClientOptions();
        DockerClientBuilder builder = endpoint.Address.Scheme switch
        {
            "unix" => new DockerClientBuilder<Docker.DotNet.Unix.UnixSocketTransportOptions>(
                Docker.DotNet.Unix.DockerHandlerFactory.Instance, new Docker.DotNet.Unix.UnixSocketTransportOptions(), defaults, NullLogger.Instance),
            "npipe" => new DockerClientBuilder<Docker.DotNet.NPipe.NPipeTransportOptions>(
                Docker.DotNet.NPipe.DockerHandlerFactory.Instance, new Docker.DotNet.NPipe.NPipeTransportOptions(), defaults, NullLogger.Instance),
            _ => new DockerClientBuilder<Docker.DotNet.LegacyHttp.LegacyHttpTransportOptions>(
                Docker.DotNet.LegacyHttp.DockerHandlerFactory.Instance, new Docker.DotNet.LegacyHttp.LegacyHttpTransportOptions(), defaults, NullLogger.Instance),
        };

        return builder
            .WithEndpoint(endpoint.Address)
            .WithAuthProvider(tls ?? NoopAuthProvider.Instance)

            // A backstop only: every call is bounded by our own timeout and token first.
            .WithTimeout(options.RequestTimeout > options.AnswerTimeout ? options.RequestTimeout : options.AnswerTimeout)
            .Build();
    }

    /// <summary>Runs one engine call under a time limit and the caller's token, and turns transport failures into
    /// <see cref="EngineUnreachableException"/> and engine errors into <see cref="EngineRequestException"/>.</summary>
    private async Task<T> CallAsync<T>(string request, Func<CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Task<T>? task = null;
        try
        {
            task = call(linked.Token);
            return await WhenCompletedOrCancelled(task, linked.Token).ConfigureAwait(false);
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
                throw new EngineUnreachableException(MessageText.Format(
                    EngineMessages.NoAnswer, Endpoint, _endpoint.Source, ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.CurrentCulture)), e);
            }

            throw Translate(request, e);
        }
    }

    private static async Task<T> WhenCompletedOrCancelled<T>(Task<T> task, CancellationToken token)
    {
        if (!task.IsCompleted)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    token.ThrowIfCancellationRequested();
                }
            }
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Turns a failed engine call into the exception a caller sees. Internal for the tests, which feed it
    /// the failures a real transport raises (a socket the account may not use, a pipe it may not open).</summary>
    internal Exception Translate(string request, Exception error)
    {
        if (error is DockerApiException api)
        {
            // dockerd's answer to plain HTTP on a TLS port.
            if (_tls is null && api.StatusCode == HttpStatusCode.BadRequest
                && api.ResponseBody?.IndexOf("HTTPS server", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new EngineUnreachableException(MessageText.Format(EngineMessages.TlsNotConfigured, Endpoint, _endpoint.Source), api);
            }

            return new EngineRequestException(
                MessageText.Format(EngineMessages.EngineError, Endpoint, request, (int)api.StatusCode, EngineMessageOf(api.ResponseBody)),
                (int)api.StatusCode,
                api);
        }

        var socketError = Find<SocketException>(error);
        if (_tls is not null && socketError is null)
        {
            // A handshake the engine breaks off (no or wrong client certificate) surfaces as an IOException.
            var reason = _tls.LastRejection ?? Innermost(error).Message;
            var settings = _endpoint.Tls!;
            if (!System.IO.File.Exists(settings.CertificateFile))
            {
                reason += " " + MessageText.Format(EngineMessages.TlsClientCertificateHint, settings.CertificateFile, settings.KeyFile);
            }

            return new EngineUnreachableException(
                MessageText.Format(EngineMessages.TlsHandshakeFailed, Endpoint, _endpoint.Source, reason, settings.CertificateDirectory), error);
        }

        var accessDenied = Find<UnauthorizedAccessException>(error);
        if (socketError is not null || accessDenied is not null
            || error is HttpRequestException or IOException or TimeoutException or AuthenticationException or SocketException)
        {
            var reason = (socketError ?? accessDenied ?? Innermost(error)).Message.TrimEnd('.') + ".";
            var unix = _endpoint.Address.Scheme == "unix";

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
                reason = EngineMessages.PipeAccessDenied;
            }

            return new EngineUnreachableException(
                MessageText.Format(EngineMessages.Unreachable, Endpoint, _endpoint.Source, reason, EngineMessages.EngineFixes), error);
        }

        // Anything else is a bug or an answer we cannot read; keep it, with the request it came from.
        return new EngineRequestException(MessageText.Format(EngineMessages.EngineError, Endpoint, request, 0, error.Message), 0, error);
    }

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

    private static TException? Find<TException>(Exception error)
        where TException : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is TException found)
            {
                return found;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                var inner = Find<TException>(aggregate.InnerExceptions[0]);
                if (inner is not null)
                {
                    return inner;
                }
            }
        }

        return null;
    }

    private static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static bool UsesContainerdStore(SystemInfoResponse? info)
    {
        if (info?.DriverStatus is null)
        {
            return false;
        }

        foreach (var pair in info.DriverStatus)
        {
            if (pair is { Length: >= 2 } && pair[0] == "driver-type" && pair[1] == ContainerdSnapshotter)
            {
                return true;
            }
        }

        return false;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static IReadOnlyList<string> ComponentNames(VersionResponse? version)
    {
        var names = new List<string>();
        foreach (var component in version?.Components ?? Array.Empty<ComponentVersion>())
        {
            if (!string.IsNullOrEmpty(component?.Name))
            {
                names.Add(component!.Name);
            }
        }

        return names;
    }
}
