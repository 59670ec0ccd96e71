using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Identity;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Text;

namespace ImgTrack.Collection;

/// <summary>
/// The registry as a source of identity (<c>Get-ImageIdentity -Remote</c>): for each name, the identity the engine
/// would record after pulling it on <see cref="Platform"/>, built by the same <see cref="ImageIdentityBuilder"/> rule as
/// engine results. No engine is asked. Every per-name failure is an outcome: <see cref="IdentityError.RegistryFailed"/>
/// with the <see cref="RegistryException"/>, whose <see cref="RegistryError"/> says why. Thread-safe.
/// </summary>
public sealed class RegistryIdentityCollector : IIdentitySource, IDisposable
{
    private readonly RemoteImageResolver _resolver;
    private readonly UtcTimestamp _collectedAt;

    /// <summary>Creates the collector; it owns <paramref name="resolver"/>.</summary>
    /// <param name="resolver">The registry client for the run.</param>
    /// <param name="platform">The platform whose image each name is resolved to.</param>
    /// <param name="collectedAt">One timestamp for the whole run.</param>
    public RegistryIdentityCollector(RemoteImageResolver resolver, Platform platform, UtcTimestamp collectedAt)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        Platform = platform ?? throw new ArgumentNullException(nameof(platform));
        _collectedAt = collectedAt;
    }

    /// <summary>The platform asked for.</summary>
    public Platform Platform { get; }

    /// <summary>The registry client's warnings since the last call (a missing credential helper), for the caller's thread.</summary>
    public IReadOnlyList<string> TakeWarnings() => _resolver.TakeWarnings();

    /// <inheritdoc />
    public async Task<IdentityOutcome> ResolveAsync(ImageInput input, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        switch (input.Kind)
        {
            case ImageInputKind.Invalid:
                throw new ArgumentException(CoreMessages.OnlyValidInputResolved, nameof(input));
            case ImageInputKind.ImageId:
                // A registry is addressed by repository and tag or digest; an image ID names no repository.
                return IdentityOutcome.Failed(input.Text, IdentityError.RemoteNameRequired);
        }

        var name = input.Reference!;
        try
        {
            var remote = await _resolver.ResolveAsync(name, Platform, cancellationToken).ConfigureAwait(false);
            return IdentityOutcome.Resolved(input.Text, ImageIdentityBuilder.ForName(input.Text, name, Facts(remote), null, _collectedAt, IdentitySource.Registry));
        }
        catch (RegistryException e)
        {
            return IdentityOutcome.Failed(input.Text, IdentityError.RegistryFailed, e.Message, e);
        }
    }

    /// <summary>Closes the registry connections.</summary>
    public void Dispose() => _resolver.Dispose();

    /// <summary>
    /// What a registry's answer says about the image, in the terms an engine uses after a pull (classic store): the
    /// config digest is the image ID, the repo digest is repository@ the digest of what the name points to. No tags
    /// (a registry's tag list is not the image's), no size (a registry knows compressed sizes only), no host.
    /// </summary>
    internal static ImageFacts Facts(RemoteImage remote) =>
        new(remote.ImageId, Array.Empty<string>(), new[] { remote.RepoDigest }, remote.Created, remote.Os, remote.Architecture, remote.Variant, null)
        {
            IdKind = ImageIdKind.Config,
            ConfigDigest = remote.ImageId,
            ManifestDigest = remote.ManifestDigest,
            MediaType = remote.MediaType,
        };
}
