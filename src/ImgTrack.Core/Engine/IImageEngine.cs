using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ImgTrack.Engine;

/// <summary>
/// The few engine calls ImgTrack needs, behind one seam so identity logic can be tested with recorded engine
/// answers and the real Docker engine API stays in one place. Every call honours its cancellation token.
/// </summary>
public interface IImageEngine : IDisposable
{
    /// <summary>The endpoint this engine talks to, as the user would write it (<c>unix:///var/run/docker.sock</c>).</summary>
    string Endpoint { get; }

    /// <summary>Version and host facts; the first call, so it also proves the engine answers
    /// (throws <see cref="EngineUnreachableException"/> within a few seconds when it does not).</summary>
    Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>Every local image, in one list call.</summary>
    Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken);

    /// <summary>One image by name, image ID or unique ID prefix; null when the engine has no such image.</summary>
    Task<ImageDetails?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken);
}

/// <summary>What the engine says about itself (<c>/version</c> and <c>/info</c>).</summary>
public sealed class EngineInfo
{
    /// <summary>Creates the record.</summary>
    public EngineInfo(string endpoint, string? engineVersion, string? apiVersion, string? hostName, bool usesContainerdImageStore)
    {
        Endpoint = endpoint;
        EngineVersion = engineVersion;
        ApiVersion = apiVersion;
        HostName = hostName;
        UsesContainerdImageStore = usesContainerdImageStore;
    }

    /// <summary>The endpoint asked.</summary>
    public string Endpoint { get; }

    /// <summary>The engine's version (<c>20.10.24</c>).</summary>
    public string? EngineVersion { get; }

    /// <summary>The engine's API version (<c>1.41</c>).</summary>
    public string? ApiVersion { get; }

    /// <summary>The engine's host name (<c>/info</c> Name).</summary>
    public string? HostName { get; }

    /// <summary>True when the engine uses the containerd image store, where image IDs are manifest/index digests, not config digests.</summary>
    public bool UsesContainerdImageStore { get; }
}

/// <summary>One entry of the engine's image list (<c>/images/json</c>).</summary>
public sealed class ImageSummary
{
    /// <summary>Creates the record.</summary>
    public ImageSummary(string id, IReadOnlyList<string> repoTags, IReadOnlyList<string> repoDigests, UtcTimestamp? created, long size)
    {
        Id = id;
        RepoTags = repoTags;
        RepoDigests = repoDigests;
        Created = created;
        Size = size;
    }

    /// <summary>The image ID (<c>sha256:…</c>).</summary>
    public string Id { get; }

    /// <summary>Tags, without the <c>&lt;none&gt;:&lt;none&gt;</c> placeholder older engines report.</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>Repo digests, without the <c>&lt;none&gt;@&lt;none&gt;</c> placeholder.</summary>
    public IReadOnlyList<string> RepoDigests { get; }

    /// <summary>Creation time (Unix seconds in the list answer).</summary>
    public UtcTimestamp? Created { get; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; }
}

/// <summary>One image's details (<c>/images/{name}/json</c>).</summary>
public sealed class ImageDetails
{
    /// <summary>Creates the record.</summary>
    public ImageDetails(string id, IReadOnlyList<string> repoTags, IReadOnlyList<string> repoDigests, UtcTimestamp? created, string? os, string? architecture, string? variant, long size)
    {
        Id = id;
        RepoTags = repoTags;
        RepoDigests = repoDigests;
        Created = created;
        Os = os;
        Architecture = architecture;
        Variant = variant;
        Size = size;
    }

    /// <summary>The image ID (<c>sha256:…</c>).</summary>
    public string Id { get; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>Repo digests.</summary>
    public IReadOnlyList<string> RepoDigests { get; }

    /// <summary>Creation time (RFC 3339 in the inspect answer).</summary>
    public UtcTimestamp? Created { get; }

    /// <summary>Operating system.</summary>
    public string? Os { get; }

    /// <summary>CPU architecture.</summary>
    public string? Architecture { get; }

    /// <summary>CPU variant (<c>v8</c>), if any.</summary>
    public string? Variant { get; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; }
}

/// <summary>The engine could not be reached or did not answer in time; the message names the endpoint and the likely fixes.</summary>
public class EngineUnreachableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineUnreachableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EngineUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public EngineUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
