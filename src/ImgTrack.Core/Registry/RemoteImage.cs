using ImgTrack.Oci;

namespace ImgTrack.Registry;

/// <summary>
/// What a registry says an image name stands for on one platform: the identity the engine would record after
/// <c>docker pull</c> of that name for that platform (classic image store), built only from verified bytes.
/// </summary>
public sealed class RemoteImage
{
    internal RemoteImage(
        ImageReference name,
        string digest,
        string mediaType,
        string manifestDigest,
        string configDigest,
        Platform? platform,
        UtcTimestamp? created)
    {
        Name = name;
        Digest = digest;
        MediaType = mediaType;
        ManifestDigest = manifestDigest;
        ImageId = configDigest;
        Platform = platform;
        Created = created;
        RepoDigest = name.FamiliarName + "@" + digest;
    }

    /// <summary>The name asked about.</summary>
    public ImageReference Name { get; }

    /// <summary>
    /// The repo digest as Docker records it after a pull (<c>RepoDigests</c>: familiar name @ digest, e.g.
    /// <c>nginx@sha256:…</c>, <c>127.0.0.1:5000/team/app@sha256:…</c>): the digest of what the tag points to, so the
    /// index (manifest list) digest for a multi-platform image, as Kubernetes records it too.
    /// </summary>
    public string RepoDigest { get; }

    /// <summary>The digest of what the name points to (index or manifest), <c>sha256:…</c>.</summary>
    public string Digest { get; }

    /// <summary>The media type of what the name points to (an index, a manifest list, or a manifest).</summary>
    public string MediaType { get; }

    /// <summary>True when the name points to an index (manifest list) and <see cref="ManifestDigest"/> was chosen from it.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>The digest of the platform's image manifest (equals <see cref="Digest"/> for a single-platform image).</summary>
    public string ManifestDigest { get; }

    /// <summary>The config digest: the engine's image ID after a pull (classic store).</summary>
    public string ImageId { get; }

    /// <summary>
    /// The image's platform: from the index's descriptor for a multi-platform image, else from the image config; null
    /// only when neither says.
    /// </summary>
    public Platform? Platform { get; }

    /// <summary>Operating system, or null.</summary>
    public string? Os => Platform?.Os;

    /// <summary>Architecture, or null.</summary>
    public string? Architecture => Platform?.Architecture;

    /// <summary>Variant, or null.</summary>
    public string? Variant => Platform?.Variant;

    /// <summary>The config's <c>created</c> time when the config was read (single-platform images), else null.</summary>
    public UtcTimestamp? Created { get; }

    /// <summary>The repo digest.</summary>
    public override string ToString() => RepoDigest;
}
