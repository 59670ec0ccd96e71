using System;
using System.Collections.Generic;

namespace ImgTrack.Identity;

/// <summary>
/// Turns what a source knows about an image (<see cref="ImageFacts"/>, from an engine or a registry) into an
/// <see cref="ImageIdentity"/>: name parts, chosen repo digest, tracking ID. The tracking rule lives here only.
/// </summary>
public static class ImageIdentityBuilder
{
    /// <summary>
    /// The identity of an image asked for by name: the name's own parts, and the repo digest of the name's
    /// repository (see <see cref="RepoDigestSelector"/>).
    /// </summary>
    public static ImageIdentity ForName(string name, ImageReference reference, ImageFacts facts, string? computerName, UtcTimestamp collectedAt, IdentitySource source = IdentitySource.Engine)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        return Build(name, reference, reference, facts, computerName, collectedAt, source);
    }

    /// <summary>
    /// The identity of an image asked for by image ID (<paramref name="name"/> is the ID as given) or listed by
    /// <c>-All</c> (<paramref name="name"/> is null: the first tag, or the image ID when untagged). Name parts
    /// come from the image's first tag; the repo digest is the first, as the original imgtrack script takes it.
    /// </summary>
    public static ImageIdentity ForImage(string? name, ImageFacts facts, string? computerName, UtcTimestamp collectedAt, IdentitySource source = IdentitySource.Engine)
    {
        if (facts is null)
        {
            throw new ArgumentNullException(nameof(facts));
        }

        var firstTag = FirstTag(facts.RepoTags);
        ImageReference? reference = null;
        if (firstTag is not null && ImageReference.TryParse(firstTag, out var parsed))
        {
            reference = parsed;
        }

        return Build(name ?? firstTag ?? facts.Id, reference, null, facts, computerName, collectedAt, source);
    }

    /// <summary>The first tag; null when untagged.</summary>
    public static string? FirstTag(IReadOnlyList<string> repoTags)
    {
        if (repoTags is null)
        {
            return null;
        }

        foreach (var tag in repoTags)
        {
            if (!string.IsNullOrEmpty(tag))
            {
                return tag;
            }
        }

        return null;
    }

    private static IReadOnlyList<string> Choosable(ImageFacts facts)
    {
        if (facts.LocalRepoDigests.Count == 0)
        {
            return facts.RepoDigests;
        }

        var local = new HashSet<string>(facts.LocalRepoDigests, StringComparer.Ordinal);
        var choosable = new List<string>(facts.RepoDigests.Count);
        foreach (var digest in facts.RepoDigests)
        {
            if (!local.Contains(digest))
            {
                choosable.Add(digest);
            }
        }

        return choosable;
    }

    private static ImageIdentity Build(string name, ImageReference? reference, ImageReference? digestOwner, ImageFacts facts, string? computerName, UtcTimestamp collectedAt, IdentitySource source)
    {
        if (facts is null)
        {
            throw new ArgumentNullException(nameof(facts));
        }

        // A registry's digest for the image's tag (-ResolveRepoDigest) wins; else the source's own, never one it
        // records that no registry serves.
        var repoDigest = facts.RegistryRepoDigest ?? RepoDigestSelector.Choose(Choosable(facts), digestOwner);
        var repoDigestSource = facts.RegistryRepoDigest is null ? source : IdentitySource.Registry;

        // The original imgtrack script's rule: the repo digest when the image has one (that is what Kubernetes reports as imageID),
        // else the image ID. On the containerd image store the ID is a manifest/index digest and stays as the
        // engine reports it; the cmdlet says so with -Verbose rather than faking a config digest.
        var trackingId = repoDigest ?? facts.Id;
        var trackingIdSource = repoDigest is null ? TrackingIdSource.ImageId : TrackingIdSource.RepoDigest;

        return new ImageIdentity(
            name,
            reference,
            facts.Id,
            repoDigest,
            trackingId,
            trackingIdSource,
            TrackingKey.Create(trackingId),
            new ValueList(facts.RepoDigests),
            new ValueList(facts.RepoTags),
            facts.Created,
            facts.Os,

            // Architecture is the engine's own value (arm64, not arm64/v8): it is what docker image inspect and
            // Kubernetes' kubernetes.io/arch node label say, so it joins with them; the variant would need a
            // column of its own (new columns only at the end of the CSV contract), which v1 does not add.
            facts.Architecture,
            facts.Size,
            computerName,
            collectedAt,
            source,
            repoDigestSource,
            facts.Platform,
            facts.ManifestDigest,
            facts.MediaType,
            facts.IdKind,
            facts.IdKind == ImageIdKind.Config ? facts.ConfigDigest ?? facts.Id : facts.ConfigDigest);
    }
}
