namespace ImgTrack;

/// <summary>Which rule matched a container's content to a server image (<see cref="ImageInventoryComparison.MatchedBy"/>,
/// held as the value's name). The rules are tried in this order and the first that holds is reported; a name alone
/// never matches, because a tag can point at other content on every server.</summary>
public enum ImageInventoryMatch
{
    /// <summary>The container's repo-digest key equals the server image's tracking key.</summary>
    TrackingKey,

    /// <summary>The container's repo digest is another of the server image's repo digests (an image pushed to or pulled
    /// from two repositories: the server chose one, the runtime reports the other).</summary>
    RepoDigest,

    /// <summary>The same manifest or index digest under another repository: a mirror, a pull-through cache, or the
    /// lexically first repository that containerd reports for an image held under several.</summary>
    Digest,

    /// <summary>The runtime reports a bare image ID (no repo digest) equal to the server image's ID.</summary>
    ImageId,
}
