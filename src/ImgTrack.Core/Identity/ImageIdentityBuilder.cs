using System;
using System.Collections.Generic;
using ImgTrack.Engine;

namespace ImgTrack.Identity;

/// <summary>Turns an engine's image details into an <see cref="ImageIdentity"/>: name parts, chosen repo digest, tracking ID.</summary>
public static class ImageIdentityBuilder
{
    // Engines before API 1.43 list untagged images with these placeholders; they are not names.
    private const string NoTag = "<none>:<none>";
    private const string NoDigest = "<none>@<none>";

    /// <summary>
    /// The identity of an image asked for by name: the name's own parts, and the repo digest of the name's
    /// repository (see <see cref="RepoDigestSelector"/>).
    /// </summary>
    public static ImageIdentity ForName(string name, ImageReference reference, ImageDetails details, EngineInfo engine, UtcTimestamp collectedAt)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        return Build(name, reference, reference, details, engine, collectedAt);
    }

    /// <summary>
    /// The identity of an image asked for by image ID (<paramref name="name"/> is the ID as given) or listed by
    /// <c>-All</c> (<paramref name="name"/> is null: the first tag, or the image ID when untagged). Name parts
    /// come from the image's first tag; the repo digest is the first, as the seed's script takes it.
    /// </summary>
    public static ImageIdentity ForImage(string? name, ImageDetails details, EngineInfo engine, UtcTimestamp collectedAt)
    {
        if (details is null)
        {
            throw new ArgumentNullException(nameof(details));
        }

        var firstTag = FirstTag(details.RepoTags);
        ImageReference? reference = null;
        if (firstTag is not null && ImageReference.TryParse(firstTag, out var parsed))
        {
            reference = parsed;
        }

        return Build(name ?? firstTag ?? details.Id, reference, null, details, engine, collectedAt);
    }

    /// <summary>The first real tag, skipping the <c>&lt;none&gt;:&lt;none&gt;</c> placeholder; null when untagged.</summary>
    public static string? FirstTag(IReadOnlyList<string> repoTags)
    {
        if (repoTags is null)
        {
            return null;
        }

        foreach (var tag in repoTags)
        {
            if (!string.IsNullOrEmpty(tag) && tag != NoTag)
            {
                return tag;
            }
        }

        return null;
    }

    private static ImageIdentity Build(string name, ImageReference? reference, ImageReference? digestOwner, ImageDetails details, EngineInfo engine, UtcTimestamp collectedAt)
    {
        if (details is null)
        {
            throw new ArgumentNullException(nameof(details));
        }

        if (engine is null)
        {
            throw new ArgumentNullException(nameof(engine));
        }

        var repoDigests = Real(details.RepoDigests, NoDigest);
        var repoTags = Real(details.RepoTags, NoTag);
        var repoDigest = RepoDigestSelector.Choose(repoDigests, digestOwner);

        // The seed's rule: the repo digest when the image has one (that is what Kubernetes reports as imageID),
        // else the image ID. On the containerd image store the ID is a manifest/index digest and stays as the
        // engine reports it; the cmdlet says so with -Verbose rather than faking a config digest.
        var trackingId = repoDigest ?? details.Id;
        var source = repoDigest is null ? TrackingIdSource.ImageId : TrackingIdSource.RepoDigest;

        return new ImageIdentity(
            name,
            reference,
            details.Id,
            repoDigest,
            trackingId,
            source,
            TrackingKey.Create(trackingId),
            new ValueList(repoDigests),
            new ValueList(repoTags),
            details.Created,
            details.Os,

            // Architecture is the engine's own value (arm64, not arm64/v8): it is what docker image inspect and
            // Kubernetes' kubernetes.io/arch node label say, so it joins with them; the variant would need a
            // column of its own (DESIGN.md: new columns only at the end), which v1 does not add.
            details.Architecture,
            details.Size,
            engine.HostName,
            collectedAt);
    }

    private static List<string> Real(IReadOnlyList<string>? values, string placeholder)
    {
        var real = new List<string>();
        if (values is not null)
        {
            foreach (var value in values)
            {
                if (!string.IsNullOrEmpty(value) && value != placeholder)
                {
                    real.Add(value);
                }
            }
        }

        return real;
    }
}
