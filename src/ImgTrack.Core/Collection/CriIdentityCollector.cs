using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Cri;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>
/// A Kubernetes node's container runtime as a source of identity (<c>Get-ImageIdentity -Cri</c>): each name through the
/// runtime's <c>ImageStatus</c>, <c>-All</c> through one <c>ListImages</c>. The repo digest chosen is always the
/// runtime's first (<see cref="ImageFacts.FirstRepoDigestIsIdentity"/>), so <see cref="ImageIdentity.TrackingKey"/> is
/// the key of the <c>imageID</c> the kubelet reports for every pod that runs the image on this node. Per-image failures
/// are outcomes; a <see cref="CriException"/> ends the run. Thread-safe.
/// </summary>
public sealed class CriIdentityCollector : IListedIdentitySource, IDisposable
{
    private readonly CriImageService _runtime;
    private readonly UtcTimestamp _collectedAt;
    private Dictionary<string, ImageFacts>? _listed;

    /// <summary>Creates the collector; it owns <paramref name="runtime"/>.</summary>
    public CriIdentityCollector(CriImageService runtime, UtcTimestamp collectedAt)
    {
        _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        _collectedAt = collectedAt;
    }

    /// <summary>Opens the runtime for one run (<see cref="CriImageService.OpenAsync(string?, string?, TimeSpan, CancellationToken)"/>).</summary>
    /// <exception cref="CriException">The run cannot work.</exception>
    public static async Task<CriIdentityCollector> OpenAsync(string? runtimeEndpoint, string? workingDirectory, TimeSpan timeout, UtcTimestamp collectedAt, CancellationToken cancellationToken) =>
        new(await CriImageService.OpenAsync(runtimeEndpoint, workingDirectory, timeout, cancellationToken).ConfigureAwait(false), collectedAt);

    /// <summary>The endpoint in use.</summary>
    public CriEndpoint Endpoint => _runtime.Endpoint;

    /// <summary>The node's host name (<see cref="ImageIdentity.ComputerName"/>).</summary>
    public string? HostName => _runtime.HostName;

    /// <inheritdoc />
    public async Task<IdentityOutcome> ResolveAsync(ImageInput input, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        if (input.Kind == ImageInputKind.Invalid)
        {
            throw new ArgumentException(CoreMessages.OnlyValidInputResolved, nameof(input));
        }

        ImageFacts? facts;
        try
        {
            facts = await _runtime.GetImageAsync(input.Text, cancellationToken).ConfigureAwait(false);
        }
        catch (CriImageException e)
        {
            return IdentityOutcome.Failed(input.Text, IdentityError.ImageInspectFailed, e.Message, e);
        }

        if (facts is null)
        {
            return IdentityOutcome.Failed(input.Text, IdentityError.ImageNotFound);
        }

        // A short hex name the runtime found as an ID prefix takes its name parts from the image's tags, as for an engine.
        var identity = input.Kind == ImageInputKind.Name && !ImageIdentityCollector.FoundByIdPrefix(input, facts)
            ? ImageIdentityBuilder.ForName(input.Text, input.Reference!, facts, HostName, _collectedAt, IdentitySource.Cri)
            : ImageIdentityBuilder.ForImage(input.Text, facts, HostName, _collectedAt, IdentitySource.Cri);
        return IdentityOutcome.Resolved(input.Text, identity);
    }

    /// <summary>Every image of the runtime, in one call, ordered by image ID.</summary>
    public async Task<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var images = await _runtime.ListImagesAsync(cancellationToken).ConfigureAwait(false);
        var listed = new Dictionary<string, ImageFacts>(StringComparer.Ordinal);
        var summaries = new List<ImageSummary>(images.Count);
        foreach (var facts in images)
        {
            listed[facts.Id] = facts;
            summaries.Add(new ImageSummary(facts.Id, facts.RepoTags, facts.RepoDigests, null, facts.Size ?? 0));
        }

        _listed = listed;
        return summaries;
    }

    /// <summary>One listed image: the list answer holds all the CRI says of an image, so no further call is made.</summary>
    public Task<IdentityOutcome> ResolveListedAsync(ImageSummary image, CancellationToken cancellationToken)
    {
        if (image is null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        if (_listed is null || !_listed.TryGetValue(image.Id, out var facts))
        {
            throw new InvalidOperationException(CriMessages.OnlyListedImages);
        }

        return Task.FromResult(IdentityOutcome.Resolved(image.Id, ImageIdentityBuilder.ForImage(null, facts, HostName, _collectedAt, IdentitySource.Cri)));
    }

    /// <summary>Closes the connection to the runtime.</summary>
    public void Dispose() => _runtime.Dispose();
}
