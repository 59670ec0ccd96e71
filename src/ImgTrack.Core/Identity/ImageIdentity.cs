namespace ImgTrack;

/// <summary>
/// What one image name stands for on one engine: the name's parts, the engine's image ID, the repo digests,
/// and the tracking ID that merges with Kubernetes' <c>imageID</c>.
/// The property order is the CSV column order, a public contract (DESIGN.md): add new properties only at the end.
/// </summary>
public sealed class ImageIdentity
{
    /// <summary>Creates an identity. <see cref="TrackingId"/>, <see cref="TrackingIdSource"/> and
    /// <see cref="TrackingKey"/> are supplied by the caller (see <c>ImageIdentityBuilder</c> in the core).</summary>
    public ImageIdentity(
        string name,
        ImageReference? reference,
        string imageId,
        string? repoDigest,
        string trackingId,
        TrackingIdSource trackingIdSource,
        string trackingKey,
        ValueList repoDigests,
        ValueList repoTags,
        UtcTimestamp? created,
        string? os,
        string? architecture,
        long size,
        string? computerName,
        UtcTimestamp collectedAt)
    {
        Name = name;
        Reference = reference?.Reference;
        Registry = reference?.Registry;
        RegistryHost = reference?.RegistryHost;
        Port = reference?.Port;
        Repository = reference?.Repository;
        Tag = reference?.Tag;
        Digest = reference?.Digest;
        ImageId = imageId;
        RepoDigest = repoDigest;
        TrackingId = trackingId;
        TrackingIdSource = trackingIdSource;
        TrackingKey = trackingKey;
        RepoDigests = repoDigests;
        RepoTags = repoTags;
        Created = created;
        Os = os;
        Architecture = architecture;
        Size = size;
        ComputerName = computerName;
        CollectedAt = collectedAt;
    }

    /// <summary>The name as given (an image ID as given, too); the first tag for <c>-All</c>, or the image ID for an untagged image.</summary>
    public string Name { get; }

    /// <summary>The canonical reference of the name (<c>docker.io/library/nginx:latest</c>); null for an untagged image.</summary>
    public string? Reference { get; }

    /// <summary>Registry as in the name, host[:port] (default <c>docker.io</c>).</summary>
    public string? Registry { get; }

    /// <summary>The registry host without the port.</summary>
    public string? RegistryHost { get; }

    /// <summary>The registry port, or null.</summary>
    public int? Port { get; }

    /// <summary>The repository path, e.g. <c>library/nginx</c>.</summary>
    public string? Repository { get; }

    /// <summary>The tag (<c>latest</c> when the name has neither tag nor digest).</summary>
    public string? Tag { get; }

    /// <summary>The digest written in the name, if any.</summary>
    public string? Digest { get; }

    /// <summary>The engine's image ID (config digest on the classic store and Podman).</summary>
    public string ImageId { get; }

    /// <summary>The chosen repo digest: the one whose repository matches the name's, else the first; null when there is none.</summary>
    public string? RepoDigest { get; }

    /// <summary><see cref="RepoDigest"/> when there is one, else <see cref="ImageId"/>.</summary>
    public string TrackingId { get; }

    /// <summary>Which identifier <see cref="TrackingId"/> is.</summary>
    public TrackingIdSource TrackingIdSource { get; }

    /// <summary>The tracking ID in canonical, runtime-neutral form: fully qualified repository + digest, or <c>sha256:…</c>.</summary>
    public string TrackingKey { get; }

    /// <summary>Every repo digest the engine reports.</summary>
    public ValueList RepoDigests { get; }

    /// <summary>Every tag the engine reports.</summary>
    public ValueList RepoTags { get; }

    /// <summary>When the image was created (UTC).</summary>
    public UtcTimestamp? Created { get; }

    /// <summary>The image's operating system.</summary>
    public string? Os { get; }

    /// <summary>The image's CPU architecture.</summary>
    public string? Architecture { get; }

    /// <summary>The image's size in bytes.</summary>
    public long Size { get; }

    /// <summary>The engine's host name (its info endpoint's <c>Name</c>).</summary>
    public string? ComputerName { get; }

    /// <summary>When this record was collected (UTC).</summary>
    public UtcTimestamp CollectedAt { get; }

    /// <summary>The tracking ID.</summary>
    public override string ToString() => TrackingId;
}
