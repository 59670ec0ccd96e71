using System;
using ImgTrack.Text;

namespace ImgTrack;

/// <summary>
/// What one image name stands for on one engine: the name's parts, the engine's image ID, the repo digests,
/// and the tracking ID that merges with Kubernetes' <c>imageID</c>.
/// The property order is the CSV column order, a public contract: add new properties only at the end.
/// </summary>
/// <remarks>
/// Every property is a string, a number or a string list, so that a plain <c>ConvertTo-Json</c> writes what
/// <c>Export-Csv</c> writes: one inventory, whichever way it is saved. PowerShell 7's ConvertTo-Json (JsonObject.ProcessValue in
/// Microsoft.PowerShell.Commands.Utility) consults no type converter, ETS member or serialization setting: it
/// writes strings, numbers, booleans and dates as JSON values, enums as numbers (unless -EnumsAsStrings), and
/// any other object as the dictionary of its public properties. So <see cref="TrackingIdSource"/> is the enum
/// value's name, and <see cref="Created"/> and <see cref="CollectedAt"/> are the ISO 8601 UTC text of a
/// <see cref="UtcTimestamp"/> (a <see cref="DateTime"/> would make Export-Csv write the culture's format, and
/// Newtonsoft would trim the fraction). That is also what these properties already were after remoting or
/// Import-Csv, so one script (with a <c>[datetimeoffset]</c> cast to compare dates) serves all three.
/// </remarks>
public sealed class ImageIdentity
{
    /// <summary>Creates an identity. <see cref="TrackingId"/>, <see cref="TrackingIdSource"/> and
    /// <see cref="TrackingKey"/> are supplied by the caller (see <c>ImageIdentityBuilder</c> in the core). The
    /// parameters after <paramref name="collectedAt"/> are the columns added after v1, at the end of the column order; their defaults
    /// describe an engine on the classic image store.</summary>
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
        long? size,
        string? computerName,
        UtcTimestamp collectedAt,
        IdentitySource source = IdentitySource.Engine,
        IdentitySource repoDigestSource = IdentitySource.Engine,
        string? platform = null,
        string? manifestDigest = null,
        string? mediaType = null,
        ImageIdKind imageIdKind = ImgTrack.ImageIdKind.Config,
        string? configDigest = null)
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
        TrackingIdSource = Enum.IsDefined(typeof(TrackingIdSource), trackingIdSource)
            ? trackingIdSource.ToString()
            : throw new ArgumentOutOfRangeException(nameof(trackingIdSource), trackingIdSource, CoreMessages.TrackingIdSourceUnknown);
        TrackingKey = trackingKey;
        RepoDigests = repoDigests;
        RepoTags = repoTags;
        Created = created?.ToString();
        Os = os;
        Architecture = architecture;
        Size = size;
        ComputerName = computerName;
        CollectedAt = collectedAt.ToString();
        Source = source.ToString();
        RepoDigestSource = repoDigest is null ? null : repoDigestSource.ToString();
        Platform = platform;
        ManifestDigest = manifestDigest;
        MediaType = mediaType;
        ImageIdKind = imageIdKind.ToString();
        ConfigDigest = configDigest ?? (imageIdKind == ImgTrack.ImageIdKind.Config ? imageId : null);
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

    /// <summary>Which identifier <see cref="TrackingId"/> is: the name of a <see cref="ImgTrack.TrackingIdSource"/>
    /// value, <c>RepoDigest</c> or <c>ImageId</c> (text, so that ConvertTo-Json writes the name, not a number).</summary>
    public string TrackingIdSource { get; }

    /// <summary>The tracking ID in canonical, runtime-neutral form: fully qualified repository + digest, or <c>sha256:…</c>.</summary>
    public string TrackingKey { get; }

    /// <summary>Every repo digest the engine reports.</summary>
    public ValueList RepoDigests { get; }

    /// <summary>Every tag the engine reports.</summary>
    public ValueList RepoTags { get; }

    /// <summary>When the image was created: ISO 8601 UTC with seven fraction digits
    /// (<c>2022-11-17T01:39:26.0052951Z</c>, as <see cref="UtcTimestamp.ToString()"/> writes it); null when the engine
    /// did not say. The fixed-width text sorts in time order; compare it with a date after a cast:
    /// <c>[datetimeoffset]$_.Created</c>.</summary>
    public string? Created { get; }

    /// <summary>The image's operating system.</summary>
    public string? Os { get; }

    /// <summary>The image's CPU architecture.</summary>
    public string? Architecture { get; }

    /// <summary>The image's size in bytes; empty when a registry answered (a registry knows compressed sizes only).</summary>
    public long? Size { get; }

    /// <summary>The engine's host name (its info endpoint's <c>Name</c>).</summary>
    public string? ComputerName { get; }

    /// <summary>When this record was collected, in the same ISO 8601 UTC text as <see cref="Created"/>.</summary>
    public string CollectedAt { get; }

    /// <summary>Who answered for the image: <c>Engine</c> or <c>Registry</c>.</summary>
    public string Source { get; }

    /// <summary>Who gave <see cref="RepoDigest"/>: <c>Engine</c> or <c>Registry</c>; null when there is no repo digest.</summary>
    public string? RepoDigestSource { get; }

    /// <summary>The image's platform, <c>os/arch[/variant]</c>.</summary>
    public string? Platform { get; }

    /// <summary>The platform manifest's digest, when a registry was read.</summary>
    public string? ManifestDigest { get; }

    /// <summary>The media type of what the name points to (index or manifest), when a registry was read.</summary>
    public string? MediaType { get; }

    /// <summary>What <see cref="ImageId"/> is the digest of: <c>Config</c>, <c>Manifest</c> or <c>Index</c>
    /// (Docker's containerd image store reports a manifest or index digest as the image ID).</summary>
    public string ImageIdKind { get; }

    /// <summary>The image's config digest, where the source gives it; equal to <see cref="ImageId"/> when
    /// <see cref="ImageIdKind"/> is <c>Config</c>.</summary>
    public string? ConfigDigest { get; }

    /// <summary>The tracking ID.</summary>
    public override string ToString() => TrackingId;
}
