namespace ImgTrack.References;

/// <summary>Where each part of a valid image name lies in the original text, as the parser found it.</summary>
internal readonly struct NameLayout
{
    internal NameLayout(
        int registryEnd,
        int hostEnd,
        int? port,
        int pathStart,
        int pathEnd,
        int tagStart,
        int tagEnd,
        int digestStart,
        bool dockerHub,
        bool officialPrefix,
        bool fullNameAsWritten)
    {
        RegistryEnd = registryEnd;
        HostEnd = hostEnd;
        Port = port;
        PathStart = pathStart;
        PathEnd = pathEnd;
        TagStart = tagStart;
        TagEnd = tagEnd;
        DigestStart = digestStart;
        DockerHub = dockerHub;
        OfficialPrefix = officialPrefix;
        FullNameAsWritten = fullNameAsWritten;
    }

    /// <summary>End of host[:port] (the first '/'); unused when <see cref="DockerHub"/>.</summary>
    internal int RegistryEnd { get; }

    /// <summary>End of the host, before any ':port'; unused when <see cref="DockerHub"/>.</summary>
    internal int HostEnd { get; }

    /// <summary>The port when its digits are 1–65535.</summary>
    internal int? Port { get; }

    /// <summary>Start of the repository path as written.</summary>
    internal int PathStart { get; }

    /// <summary>End of the repository path (the ':' of a tag, the '@' of a digest, or the end).</summary>
    internal int PathEnd { get; }

    /// <summary>Start of the tag after ':', or -1.</summary>
    internal int TagStart { get; }

    /// <summary>End of the tag, or -1.</summary>
    internal int TagEnd { get; }

    /// <summary>Start of the digest after '@', or -1.</summary>
    internal int DigestStart { get; }

    /// <summary>The registry is docker.io (the default, written as docker.io, or index.docker.io).</summary>
    internal bool DockerHub { get; }

    /// <summary>Docker adds <c>library/</c> in front of the path.</summary>
    internal bool OfficialPrefix { get; }

    /// <summary>The text up to <see cref="PathEnd"/> already is registry/repository, so it can be reused.</summary>
    internal bool FullNameAsWritten { get; }
}
