using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.References;

namespace ImgTrack.Collection;

/// <summary>
/// Asks one engine about images and turns each answer into an <see cref="IdentityOutcome"/>. Every per-image
/// failure becomes an outcome, so one bad input never ends a run; only an unreachable or stopped engine
/// (<see cref="EngineUnreachableException"/>, <see cref="EngineTimeoutException"/>), an endpoint that does not speak the
/// engine API (<see cref="EngineProtocolException"/>) and cancellation propagate.
/// </summary>
public sealed class ImageIdentityCollector : IDisposable
{
    private readonly IImageEngine _engine;
    private readonly EngineInfo _info;
    private readonly UtcTimestamp _collectedAt;

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
            throw new ArgumentException("Only valid input is resolved.", nameof(input));
        }

        return await InspectAsync(
            input.Text,
            details => input.Kind == ImageInputKind.Name && !FoundByIdPrefix(input, details)
                ? ImageIdentityBuilder.ForName(input.Text, input.Reference!, details, _info.HostName, _collectedAt)
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
            details => ImageIdentityBuilder.ForImage(null, details, _info.HostName, _collectedAt),
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

    private async Task<IdentityOutcome> InspectAsync(string input, Func<ImageFacts, ImageIdentity> build, CancellationToken cancellationToken)
    {
        try
        {
            // The text as given goes to the engine, which resolves names and short IDs by its own rules,
            // exactly as for the docker CLI.
            var details = await _engine.InspectImageAsync(input, cancellationToken).ConfigureAwait(false);
            return details is null
                ? IdentityOutcome.Failed(input, IdentityError.ImageNotFound)
                : IdentityOutcome.Resolved(input, build(details));
        }
        catch (Exception ex) when (ex is not EngineUnreachableException and not EngineProtocolException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // An engine error about this one image is this input's error only; our own cancellation, a dead, hung or
            // frozen engine (EngineTimeoutException is one of EngineUnreachableException) and an endpoint that does not
            // speak the engine API end the run.
            return IdentityOutcome.Failed(input, IdentityError.ImageInspectFailed, ex.Message, ex);
        }
    }
}
