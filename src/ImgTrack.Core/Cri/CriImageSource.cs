using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using Grpc.Net.Client;
using ImgTrack.Collection;
using ImgTrack.Cri.Protocol;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.Text;

namespace ImgTrack.Cri;

/// <summary>
/// A Kubernetes node's container runtime (containerd, CRI-O) as a source of identity, asked through its CRI image
/// service (<c>runtime.v1.ImageService</c>: <c>ImageStatus</c> per name, <c>ListImages</c> for <c>-All</c>) as the
/// kubelet asks it. The chosen repo digest is always the runtime's first, in the runtime's order: that is the one the
/// kubelet copies into a pod's <c>imageID</c> (containerd's <c>image_ref</c>), so <see cref="ImageIdentity.TrackingKey"/>
/// equals the pod's. Per-image failures are outcomes; every run failure is a <see cref="CriException"/>. Thread-safe.
/// </summary>
public sealed class CriImageSource : IListedIdentitySource, IDisposable
{
    // An image ID no runtime holds: the handshake asks for it, so that a runtime that cannot serve the image service
    // fails the run before the first input (and before Export-Csv downstream opens its file).
    private static readonly string s_probeImage = "sha256:" + new string('0', 64);

    private readonly GrpcChannel _channel;
    private readonly ImageService.ImageServiceClient _client;
    private readonly TimeSpan _timeout;
    private readonly UtcTimestamp _collectedAt;

    private CriImageSource(CriEndpoint endpoint, GrpcChannel channel, TimeSpan timeout, string? hostName, UtcTimestamp collectedAt)
    {
        Endpoint = endpoint;
        _channel = channel;
        _client = new ImageService.ImageServiceClient(channel);
        _timeout = timeout;
        HostName = hostName;
        _collectedAt = collectedAt;
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
    /// <param name="collectedAt">One timestamp for the whole run.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="CriException">The run cannot work; <see cref="CriException.Failure"/> says why.</exception>
    public static Task<CriImageSource> OpenAsync(string? runtimeEndpoint, string? workingDirectory, TimeSpan timeout, UtcTimestamp collectedAt, CancellationToken cancellationToken)
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

        return OpenAsync(endpoint, CriChannel.Connector(endpoint), timeout, collectedAt, cancellationToken);
    }

    /// <summary>Opens a source whose connections <paramref name="connect"/> makes (a seam for failures a test cannot cause for real).</summary>
    internal static async Task<CriImageSource> OpenAsync(CriEndpoint endpoint, Func<CancellationToken, Task<Stream>> connect, TimeSpan timeout, UtcTimestamp collectedAt, CancellationToken cancellationToken)
    {
        var channel = CriChannel.Create(connect);
        var source = new CriImageSource(endpoint, channel, timeout, NodeHostName(), collectedAt);
        try
        {
            await source.StatusAsync(s_probeImage, everyFailureEndsRun: true, cancellationToken).ConfigureAwait(false);
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IdentityOutcome> ResolveAsync(ImageInput input, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        if (input.Kind == ImageInputKind.Invalid)
        {
            throw new ArgumentException("Only valid input is resolved.", nameof(input));
        }

        Image? image;
        try
        {
            // The text as given: the runtime resolves names, name@digest, IDs and ID prefixes by its own rules, as crictl's.
            image = await StatusAsync(input.Text, everyFailureEndsRun: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            return IdentityOutcome.Failed(input.Text, IdentityError.ImageInspectFailed, CriFailures.Detail(e), e);
        }

        if (image is null)
        {
            // The CRI answers "no image" with an empty status, not an error.
            return IdentityOutcome.Failed(input.Text, IdentityError.ImageNotFound);
        }

        var facts = Facts(image.Id, image.RepoTags, image.RepoDigests, image.Size);
        var identity = input.Kind == ImageInputKind.Name && !ImageIdentityCollector.FoundByIdPrefix(input, facts)
            ? ImageIdentityBuilder.ForName(input.Text, input.Reference!, facts, HostName, _collectedAt, IdentitySource.Cri)
            : ImageIdentityBuilder.ForImage(input.Text, facts, HostName, _collectedAt, IdentitySource.Cri);
        return IdentityOutcome.Resolved(input.Text, identity);
    }

    /// <summary>Every image the runtime holds, in one <c>ListImages</c> call, ordered by image ID (the runtime's own
    /// order is its map's, which changes between calls), so that two inventories of one node compare line by line.</summary>
    public async Task<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync(options => _client.ListImagesAsync(new ListImagesRequest(), options), everyFailureEndsRun: true, cancellationToken).ConfigureAwait(false);
        var images = new List<ImageSummary>(response.Images.Count);
        foreach (var image in response.Images)
        {
            images.Add(new ImageSummary(image.Id, ToList(image.RepoTags), ToList(image.RepoDigests), null, ToSize(image.Size) ?? 0));
        }

        images.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return images;
    }

    /// <summary>The identity of one listed image: the list answer holds all the CRI says of an image, so no call is made.</summary>
    public Task<IdentityOutcome> ResolveListedAsync(ImageSummary image, CancellationToken cancellationToken)
    {
        if (image is null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        var facts = Facts(image.Id, image.RepoTags, image.RepoDigests, (ulong)image.Size);
        return Task.FromResult(IdentityOutcome.Resolved(image.Id, ImageIdentityBuilder.ForImage(null, facts, HostName, _collectedAt, IdentitySource.Cri)));
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _channel.Dispose();

    /// <summary>
    /// What the CRI says of an image as <see cref="ImageFacts"/>. The CRI gives no creation time, OS or architecture
    /// (those stay empty); its <c>size</c> is the runtime's own figure. Repo digests stay in the runtime's order, and the
    /// first is the identity.
    /// </summary>
    internal static ImageFacts Facts(string id, IReadOnlyList<string> repoTags, IReadOnlyList<string> repoDigests, ulong size) =>
        new(id, repoTags, repoDigests, null, null, null, null, ToSize(size))
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

    private static long? ToSize(ulong size) => size == 0 ? null : size > long.MaxValue ? long.MaxValue : (long)size;

    private static string[] ToList(IEnumerable<string> values) => new List<string>(values).ToArray();

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
