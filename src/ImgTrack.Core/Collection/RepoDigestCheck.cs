using System;
using ImgTrack.Oci;
using ImgTrack.Registry;

namespace ImgTrack.Collection;

/// <summary>What the registry of an engine image's tag said about that tag (<c>-ResolveRepoDigest</c>).</summary>
public sealed class RepoDigestCheck
{
    internal RepoDigestCheck(RepoDigestCheckResult result, ImageReference tag, Platform platform, RemoteImage? remote, RegistryException? exception)
    {
        Result = result;
        Tag = tag;
        Platform = platform;
        Remote = remote;
        Exception = exception;
    }

    /// <summary>What it came to.</summary>
    public RepoDigestCheckResult Result { get; }

    /// <summary>The tag (or name) looked up.</summary>
    public ImageReference Tag { get; }

    /// <summary>The image's own platform, the one asked for.</summary>
    public Platform Platform { get; }

    /// <summary>The registry's answer, when there was one (<see cref="RepoDigestCheckResult.Resolved"/>,
    /// <see cref="RepoDigestCheckResult.Confirmed"/>, <see cref="RepoDigestCheckResult.Stale"/>).</summary>
    public RemoteImage? Remote { get; }

    /// <summary>Why the registry gave no answer (<see cref="RepoDigestCheckResult.Failed"/>), or why it was skipped
    /// (<see cref="RepoDigestCheckResult.RegistrySkipped"/>: the earlier failure).</summary>
    public RegistryException? Exception { get; }

    /// <summary>True for the first failure of a registry that could not be reached: later images of that registry are
    /// skipped, so this is the one to report.</summary>
    public bool FirstUnreachable { get; internal set; }

    /// <summary>The registry as in the tag (<c>docker.io</c>, <c>127.0.0.1:5000</c>).</summary>
    public string Registry => Tag.Registry;

    /// <summary>A check that asked no registry because nothing could be compared.</summary>
    internal static RepoDigestCheck NotComparable(ImageReference tag, Platform platform) =>
        new(RepoDigestCheckResult.NotComparable, tag ?? throw new ArgumentNullException(nameof(tag)), platform, null, null);
}
