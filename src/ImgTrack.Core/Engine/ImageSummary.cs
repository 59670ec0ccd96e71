using System.Collections.Generic;

namespace ImgTrack.Engine;

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
