using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using Grpc.Net.Client;
using ImgTrack.Cri.Protocol;
using ImgTrack.Identity;
using ImgTrack.Text;

namespace ImgTrack.Cri;

/// <summary>
/// A Kubernetes node's container runtime (containerd, CRI-O) asked through its CRI image service
/// (<c>runtime.v1.ImageService</c>: <c>ImageStatus</c>, <c>ListImages</c>), as the kubelet asks it; answers are
/// <see cref="ImageFacts"/> in the runtime's own order of repo digests, whose first is the image's identity (the one the
/// kubelet copies into a pod's <c>imageID</c>). Every failure that ends a run is a <see cref="CriException"/>; an error
/// about one image is a <see cref="CriImageException"/>. Thread-safe: calls share one HTTP/2 connection.
/// </summary>
public sealed class CriImageService : IDisposable
{
    // An image ID no runtime holds: the handshake asks for it, so that a runtime that cannot serve the image service
    // fails the run before the first input (and before Export-Csv downstream opens its file).
    private static readonly string s_probeImage = "sha256:" + new string('0', 64);

    private readonly GrpcChannel _channel;
    private readonly ImageService.ImageServiceClient _client;
    private readonly TimeSpan _timeout;

    private CriImageService(CriEndpoint endpoint, GrpcChannel channel, TimeSpan timeout)
    {
        Endpoint = endpoint;
        _channel = channel;
        _client = new ImageService.ImageServiceClient(channel);
        _timeout = timeout;
        HostName = NodeHostName();
    }

    /// <summary>The endpoint in use.</summary>
    public CriEndpoint Endpoint { get; }

    /// <summary>The node's host name, in the form the kubelet uses by default as the node's name (lowercase).</summary>
    public string? HostName { get; }

    /// <summary>
    /// Finds the endpoint (crictl's order, <see cref="CriEndpointResolver"/>), connects and asks the image service once,
    /// before any input: everything that can fail for the whole run fails here.
    /// </summary>
    /// <param name="runtimeEndpoint">The endpoint, or null for CONTAINER_RUNTIME_ENDPOINT, then the defaults.</param>
    /// <param name="workingDirectory">The folder a relative socket path is read against (PowerShell's location).</param>
    /// <param name="timeout">The time limit of every call (<c>-TimeoutSec</c>).</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="CriException">The run cannot work; <see cref="CriException.Failure"/> says why.</exception>
    public static Task<CriImageService> OpenAsync(string? runtimeEndpoint, string? workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!CriChannel.IsSupported)
        {
            // Said before the endpoint is looked for: on Windows PowerShell 5.1 no endpoint would work.
            throw new CriException(CriFailure.CriRequiresPowerShell7, MessageText.Format(CriMessages.RequiresPowerShell7, Environment.Version));
        }

        var endpoint = CriEndpointResolver.Resolve(runtimeEndpoint, workingDirectory);
        if (!CriEndpointResolver.Exists(endpoint))
        {
            throw new CriException(CriFailure.RuntimeEndpointNotFound, MessageText.Format(CriMessages.EndpointMissing, endpoint.Address, endpoint.Source, endpoint.Path));
        }

        return OpenAsync(endpoint, CriChannel.Connector(endpoint), timeout, cancellationToken);
    }

    /// <summary>Opens a service whose connections <paramref name="connect"/> makes (a seam for failures a test cannot cause for real).</summary>
    internal static async Task<CriImageService> OpenAsync(CriEndpoint endpoint, Func<CancellationToken, Task<Stream>> connect, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var service = new CriImageService(endpoint, CriChannel.Create(connect), timeout);
        try
        {
            await service.StatusAsync(s_probeImage, everyFailureEndsRun: true, cancellationToken).ConfigureAwait(false);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One image, as the runtime resolves the text (a name, name@digest, an image ID or ID prefix, as crictl passes it);
    /// null when the runtime does not hold it (the CRI answers "no image", not an error).
    /// </summary>
    /// <exception cref="CriImageException">The runtime answered this image with an error of its own.</exception>
    /// <exception cref="CriException">The run cannot go on.</exception>
    public async Task<ImageFacts?> GetImageAsync(string image, CancellationToken cancellationToken)
    {
        Image? answer;
        try
        {
            answer = await StatusAsync(image, everyFailureEndsRun: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new CriImageException(CriFailures.Detail(e), e);
        }

        return answer is null ? null : Facts(answer.Id, answer.RepoTags, answer.RepoDigests, answer.Size);
    }

    /// <summary>Every image the runtime holds, in one <c>ListImages</c> call, ordered by image ID (the runtime's own
    /// order is its map's, which changes between calls), so that two inventories of one node compare line by line.</summary>
    /// <exception cref="CriException">The run cannot go on.</exception>
    public async Task<IReadOnlyList<ImageFacts>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync(options => _client.ListImagesAsync(new ListImagesRequest(), options), everyFailureEndsRun: true, cancellationToken).ConfigureAwait(false);
        var images = new List<ImageFacts>(response.Images.Count);
        foreach (var image in response.Images)
        {
            images.Add(Facts(image.Id, image.RepoTags, image.RepoDigests, image.Size));
        }

        images.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return images;
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _channel.Dispose();

    /// <summary>
    /// What the CRI says of an image as <see cref="ImageFacts"/>. The CRI gives no creation time, OS or architecture
    /// (those stay empty); its <c>size</c> is the runtime's own figure. Repo digests stay in the runtime's order, and the
    /// first is the identity.
    /// </summary>
    internal static ImageFacts Facts(string id, IEnumerable<string> repoTags, IEnumerable<string> repoDigests, ulong size) =>
        new(id, new List<string>(repoTags), new List<string>(repoDigests), null, null, null, null, size == 0 ? null : size > long.MaxValue ? long.MaxValue : (long)size)
        {
            FirstRepoDigestIsIdentity = true,
        };

    // The kubelet names its node after the host name, lowercased (k8s.io/component-helpers nodeutil GetHostname), which is
    // what spec.nodeName in pod records shows.
    private static string? NodeHostName()
    {
        try
        {
            return Dns.GetHostName().Trim().ToLowerInvariant();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    private async Task<Image?> StatusAsync(string image, bool everyFailureEndsRun, CancellationToken cancellationToken)
    {
        var request = new ImageStatusRequest { Image = new ImageSpec { Image = image } };
        var response = await CallAsync(options => _client.ImageStatusAsync(request, options), everyFailureEndsRun, cancellationToken).ConfigureAwait(false);
        return response.Image;
    }

    // One call, bounded by the time limit. A failure that ends the run becomes a CriException; any other is the caller's
    // (an image's own error), except in the handshake and the list, where nothing is one image's.
    private async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, bool everyFailureEndsRun, CancellationToken cancellationToken)
    {
        try
        {
            var options = new CallOptions(deadline: DateTime.UtcNow + _timeout, cancellationToken: cancellationToken);
            using var pending = call(options);
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a cancellation like every other in the core, not the runtime's failure.
            throw new OperationCanceledException(e.Message, e, cancellationToken);
        }
        catch (RpcException e) when (CriFailures.RunFailure(e) is { } failure)
        {
            throw CriFailures.ToException(failure, e, Endpoint, _timeout);
        }
        catch (RpcException e) when (everyFailureEndsRun)
        {
            throw CriFailures.ToException(CriFailure.RuntimeUnreachable, e, Endpoint, _timeout);
        }
    }
}
