namespace ImgTrack.Collection;

/// <summary>What looking up an engine image's tag in its registry came to (<c>-ResolveRepoDigest</c>).</summary>
public enum RepoDigestCheckResult
{
    /// <summary>The registry's config digest for the tag equals the image's: the registry's digest is the repo digest.</summary>
    Resolved,

    /// <summary>The registry serves the repo digest the engine already chose (Podman's records are checked this way).</summary>
    Confirmed,

    /// <summary>The tag now names other content: the local image is stale, and keeps its own identity.</summary>
    Stale,

    /// <summary>The registry gave no answer for the tag (<see cref="RepoDigestCheck.Exception"/> says why).</summary>
    Failed,

    /// <summary>Not asked: the registry could not be reached earlier in this run.</summary>
    RegistrySkipped,

    /// <summary>Not asked: the engine's image ID is not a config digest (containerd image store) and the config digest
    /// is unknown, so nothing could be compared.</summary>
    NotComparable,
}
