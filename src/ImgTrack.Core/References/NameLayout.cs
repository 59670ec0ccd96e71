namespace ImgTrack.References;

/// <summary>
/// Where each part of a valid image name lies in the original text. The parser fills it production by production;
/// <see cref="ImageReference"/> keeps it read-only.
/// </summary>
internal struct NameLayout
{
    /// <summary>End of host[:port] (the first '/'); 0 when <see cref="DockerHub"/>.</summary>
    internal int RegistryEnd;

    /// <summary>End of the host, before any ':port'; unused when <see cref="DockerHub"/>.</summary>
    internal int HostEnd;

    /// <summary>The port when its digits are 1–65535.</summary>
    internal int? Port;

    /// <summary>Start of the repository path as written.</summary>
    internal int PathStart;

    /// <summary>End of the repository path (the ':' of a tag, the '@' of a digest, or the end).</summary>
    internal int PathEnd;

    /// <summary>Start of the tag after ':', or -1.</summary>
    internal int TagStart;

    /// <summary>End of the tag, or -1.</summary>
    internal int TagEnd;

    /// <summary>Start of the digest after '@', or -1.</summary>
    internal int DigestStart;

    /// <summary>The registry is docker.io (the default, written as docker.io, or index.docker.io).</summary>
    internal bool DockerHub;

    /// <summary>Docker adds <c>library/</c> in front of the path.</summary>
    internal bool OfficialPrefix;

    /// <summary>
    /// The text up to <see cref="PathEnd"/> already is registry/repository, so FullName and Reference reuse the name
    /// instead of joining parts (about 13% of parse plus every property).
    /// </summary>
    internal bool FullNameAsWritten;
}
