using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.Oci;
using ImgTrack.References;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>
/// Asks one engine about images and turns each answer into an <see cref="IdentityOutcome"/>. Every per-image
/// failure becomes an outcome, so one bad input never ends a run; only an unreachable or stopped engine
/// (<see cref="EngineUnreachableException"/>, <see cref="EngineTimeoutException"/>), an endpoint that does not speak the
/// engine API (<see cref="EngineProtocolException"/>) and cancellation propagate.
/// </summary>
/// <remarks>
/// On Podman (<see cref="EngineInfo.IsPodman"/>), <c>localhost/…</c> repo digests without a port are kept in
/// <see cref="ImageIdentity.RepoDigests"/> but never chosen: Podman records them for images no registry holds. With
/// <see cref="ResolveRepoDigestsWith"/>, an image the engine knows no registry repo digest for is looked up in its
/// tag's registry, and so is every Podman image: Podman records its own manifest's digest under each of the image's
/// names, which after <c>podman push</c> is not the digest the registry serves (seen with Podman 4.3.1).
/// </remarks>
public sealed class ImageIdentityCollector : IListedIdentitySource, IDisposable
{
    private const string PodmanLocalRegistry = "localhost";

    private readonly IImageEngine _engine;
    private readonly EngineInfo _info;
    private readonly UtcTimestamp _collectedAt;
    private RepoDigestResolver? _repoDigests;

    /// <summary>
    /// Opens the engine for one run and asks it who it is (the handshake), before any input is read: everything that
    /// can fail for the whole run fails here. The collector owns the engine client.
    /// </summary>
    /// <param name="dockerHost">The endpoint, or null for DOCKER_HOST, the Docker context, then the platform default.</param>
    /// <param name="workingDirectory">The folder a relative unix socket path is read against (PowerShell's location).</param>
    /// <param name="collectedAt">One timestamp for the whole run.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <exception cref="EngineConfigurationException">The endpoint settings cannot work.</exception>
    /// <exception cref="EngineUnreachableException">The engine does not answer.</exception>
    /// <exception cref="EngineRequestException">The endpoint answered, but not as a Docker engine does.</exception>
    public static Task<ImageIdentityCollector> OpenAsync(string? dockerHost, string? workingDirectory, UtcTimestamp collectedAt, CancellationToken cancellationToken) =>
        OpenAsync(dockerHost, workingDirectory, new EngineOptions(), collectedAt, cancellationToken);

    /// <summary>As <see cref="OpenAsync(string?, string?, UtcTimestamp, CancellationToken)"/>, with the time limits of every
    /// engine request (<c>-TimeoutSec</c>).</summary>
    /// <exception cref="EngineConfigurationException">The endpoint settings cannot work.</exception>
    /// <exception cref="EngineUnreachableException">The engine does not answer.</exception>
    /// <exception cref="EngineApiTooOldException">The engine's API is older than <see cref="EngineApiVersion.Minimum"/>.</exception>
    /// <exception cref="EngineRequestException">The endpoint answered, but not as a Docker engine does.</exception>
    public static async Task<ImageIdentityCollector> OpenAsync(string? dockerHost, string? workingDirectory, EngineOptions options, UtcTimestamp collectedAt, CancellationToken cancellationToken)
    {
        var engine = ImageEngineFactory.Create(dockerHost, workingDirectory, options);
        try
        {
            var info = await engine.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            return new ImageIdentityCollector(engine, info, collectedAt);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>What the engine said of itself in the handshake (endpoint, versions, host, image store).</summary>
    public EngineInfo Info => _info;

    /// <summary>Creates a collector for an engine that has answered <see cref="IImageEngine.GetInfoAsync"/>; it then owns the engine.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="info">Its info answer (host name for <see cref="ImageIdentity.ComputerName"/>).</param>
    /// <param name="collectedAt">One timestamp for the whole invocation.</param>
    public ImageIdentityCollector(IImageEngine engine, EngineInfo info, UtcTimestamp collectedAt)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _info = info ?? throw new ArgumentNullException(nameof(info));
        _collectedAt = collectedAt;
    }

    /// <summary>
    /// Looks up in the registry of its tag every image whose engine record has no registry repo digest (and every
    /// Podman image), with the image's own platform: <c>-ResolveRepoDigest</c>. Call before the first input; the caller
    /// keeps ownership of <paramref name="resolver"/>.
    /// </summary>
    public void ResolveRepoDigestsWith(RepoDigestResolver resolver) =>
        _repoDigests = resolver ?? throw new ArgumentNullException(nameof(resolver));

    /// <summary>Resolves one valid classified input (a name or an image ID).</summary>
    public async Task<IdentityOutcome> ResolveAsync(ImageInput input, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        if (input.Kind == ImageInputKind.Invalid)
        {
            // The pipeline writes invalid input's error itself, without a request: it never reaches a source.
            throw new ArgumentException(CoreMessages.OnlyValidInputResolved, nameof(input));
        }

        return await InspectAsync(
            input.Text,
            input.Kind == ImageInputKind.ImageId ? input.Text : null,
            details => input.Kind == ImageInputKind.Name && !FoundByIdPrefix(input, details) ? input.Reference : null,
            (details, asked) => asked is not null
                ? ImageIdentityBuilder.ForName(input.Text, asked, details, _info.HostName, _collectedAt)
                : ImageIdentityBuilder.ForImage(input.Text, details, _info.HostName, _collectedAt),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every local image, in one list call (the order <c>-All</c> writes them in).</summary>
    public Task<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken) => _engine.ListImagesAsync(cancellationToken);

    /// <summary>
    /// Resolves one listed image by its ID (the list answer lacks OS and architecture). <see cref="IdentityError.ImageNotFound"/>
    /// here means the image was removed between the list and the inspect call.
    /// </summary>
    public Task<IdentityOutcome> ResolveListedAsync(ImageSummary image, CancellationToken cancellationToken)
    {
        if (image is null)
        {
            throw new ArgumentNullException(nameof(image));
        }

        return InspectAsync(
            image.Id,
            image.Id,
            _ => null,
            (details, _) => ImageIdentityBuilder.ForImage(null, details, _info.HostName, _collectedAt),
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _engine.Dispose();

    /// <summary>
    /// True when the engine found a name-shaped input by image ID prefix rather than by name: a short hex string such as
    /// <c>52f6</c> is a valid repository name too, and the engine, finding no such tag, takes it as an ID prefix
    /// (moby <c>daemon/images/image.go</c> <c>GetImage</c>). Its name parts must then come from the image's own tags,
    /// not from <c>docker.io/library/52f6:latest</c>, which does not exist.
    /// </summary>
    private static bool FoundByIdPrefix(ImageInput input, ImageFacts details)
    {
        if (!ImageId.IsLowerHex(input.Text) || !ImageId.HasHexPrefix(details.Id, input.Text))
        {
            return false;
        }

        foreach (var tag in details.RepoTags)
        {
            if (ImageReference.TryParse(tag, out var tagged) && tagged.Reference == input.Reference!.Reference)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<IdentityOutcome> InspectAsync(
        string input, string? askedId, Func<ImageFacts, ImageReference?> askedName, Func<ImageFacts, ImageReference?, ImageIdentity> build, CancellationToken cancellationToken)
    {
        ImageFacts facts;
        ImageReference? asked;
        ImageIdentity identity;
        try
        {
            // The text as given goes to the engine, which resolves names and short IDs by its own rules,
            // exactly as for the docker CLI.
            var details = await _engine.InspectImageAsync(input, cancellationToken).ConfigureAwait(false);
            if (details is null)
            {
                return IdentityOutcome.Failed(input, IdentityError.ImageNotFound);
            }

            if (askedId is not null && !IsAnswerFor(askedId, details.Id))
            {
                // Asked by ID, answered with another image: an engine (or what stands in for one) that is broken or lying.
                // Its record would be filed under an ID nobody asked for, so it is this input's error instead.
                var mismatch = MessageText.Format(EngineMessages.IdMismatch, askedId, details.Id);
                return IdentityOutcome.Failed(input, IdentityError.ImageInspectFailed, mismatch, new InvalidDataException(mismatch));
            }

            facts = _info.IsPodman ? details.WithLocalRepoDigests(PodmanLocal(details.RepoDigests)) : details;
            asked = askedName(facts);
            identity = build(facts, asked);
        }
        catch (Exception ex) when (ex is not EngineUnreachableException and not EngineProtocolException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // An engine error about this one image is this input's error only; our own cancellation, a dead, hung or
            // frozen engine (EngineTimeoutException is one of EngineUnreachableException) and an endpoint that does not
            // speak the engine API end the run.
            return IdentityOutcome.Failed(input, IdentityError.ImageInspectFailed, ex.Message, ex);
        }

        if (_repoDigests is null || (identity.RepoDigest is not null && !_info.IsPodman))
        {
            return IdentityOutcome.Resolved(input, identity, null, facts.Warnings);
        }

        var tag = LookupTag(asked, facts);
        if (tag is null)
        {
            // Untagged, or tagged only with Podman's local names: no registry to ask.
            return IdentityOutcome.Resolved(input, identity, null, facts.Warnings);
        }

        var check = await CheckAsync(tag, facts, identity, cancellationToken).ConfigureAwait(false);
        if (check.Result == RepoDigestCheckResult.Resolved)
        {
            identity = build(facts.WithRegistryRepoDigest(check.Remote!.RepoDigest), asked);
        }
        else if (check.Result == RepoDigestCheckResult.Stale && _info.IsPodman)
        {
            // The tag has moved on in the registry. Podman's own record for it is the digest of the manifest Podman
            // wrote, which no registry serves: the image is known by its image ID, as any image no registry vouches for.
            identity = build(facts.WithLocalRepoDigests(facts.RepoDigests), asked);
        }

        return IdentityOutcome.Resolved(input, identity, check, facts.Warnings);
    }

    private Task<RepoDigestCheck> CheckAsync(ImageReference tag, ImageFacts facts, ImageIdentity identity, CancellationToken cancellationToken)
    {
        var platform = facts.Os is not null && facts.Architecture is not null
            ? new Platform(facts.Os, facts.Architecture, facts.Variant)
            : PlatformChoice.OfEngine(_info);

        // Compare config digests only: on the containerd image store the image ID is a manifest or index digest, so
        // only a config digest the engine gave separately can be compared.
        var configDigest = facts.IdKind == ImageIdKind.Config && !_info.UsesContainerdImageStore ? facts.Id : facts.ConfigDigest;
        return configDigest is null
            ? Task.FromResult(RepoDigestCheck.NotComparable(tag, platform))
            : _repoDigests!.CheckAsync(tag, platform, configDigest, identity.RepoDigest, cancellationToken);
    }

    /// <summary>True when an answer's <paramref name="answeredId"/> is the image asked for by <paramref name="askedId"/>:
    /// a full ID (<c>sha256:…</c> or the 64 hex digits) or an ID prefix (<c>sha256:</c> and hex) it starts with.</summary>
    private static bool IsAnswerFor(string askedId, string answeredId)
    {
        var hex = askedId.StartsWith(ImageId.Sha256Prefix, StringComparison.Ordinal) ? askedId.Substring(ImageId.Sha256Prefix.Length) : askedId;
        return ImageId.HasHexPrefix(answeredId, hex);
    }

    /// <summary>The tag to look up, chosen as the repo digest is: the name asked for, when the image carries it as a
    /// tag; else the image's first tag. Never a Podman local name.</summary>
    private ImageReference? LookupTag(ImageReference? asked, ImageFacts facts)
    {
        ImageReference? first = null;
        foreach (var text in facts.RepoTags)
        {
            if (!ImageReference.TryParse(text, out var tag) || IsPodmanLocal(tag))
            {
                continue;
            }

            if (asked is null || tag.Reference == asked.Reference)
            {
                return tag;
            }

            first ??= tag;
        }

        return first;
    }

    private bool IsPodmanLocal(ImageReference name) =>
        _info.IsPodman && string.Equals(name.Registry, PodmanLocalRegistry, StringComparison.Ordinal);

    private List<string> PodmanLocal(IReadOnlyList<string> repoDigests)
    {
        var local = new List<string>();
        foreach (var digest in repoDigests)
        {
            if (ImageReference.TryParse(digest, out var parsed) && IsPodmanLocal(parsed))
            {
                local.Add(digest);
            }
        }

        return local;
    }
}
