using System;
using System.Collections.Generic;

namespace ImgTrack.Identity;

/// <summary>
/// What a source of identity knows about one image, in its own terms: an engine after an inspect, a registry after
/// reading a manifest. <see cref="ImageIdentityBuilder"/> turns it into an <see cref="ImageIdentity"/> the same way
/// whichever source answered. Lists hold real values only: a source filters its own placeholders where its data enters.
/// </summary>
public sealed class ImageFacts
{
    /// <summary>Creates the facts of one image.</summary>
    public ImageFacts(string id, IReadOnlyList<string> repoTags, IReadOnlyList<string> repoDigests, UtcTimestamp? created, string? os, string? architecture, string? variant, long? size)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        RepoTags = repoTags ?? Array.Empty<string>();
        RepoDigests = repoDigests ?? Array.Empty<string>();
        Created = created;
        Os = os;
        Architecture = architecture;
        Variant = variant;
        Size = size;
    }

    /// <summary>The image ID as the source reports it (<c>sha256:…</c>).</summary>
    public string Id { get; }

    /// <summary>The image's tags (<c>repo:tag</c>).</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>The image's repo digests (<c>repo@sha256:…</c>).</summary>
    public IReadOnlyList<string> RepoDigests { get; }

    /// <summary>When the image was created, if known.</summary>
    public UtcTimestamp? Created { get; }

    /// <summary>The image's operating system (<c>linux</c>, <c>windows</c>).</summary>
    public string? Os { get; }

    /// <summary>The image's architecture as the source names it (<c>amd64</c>, <c>arm64</c>).</summary>
    public string? Architecture { get; }

    /// <summary>The architecture variant (<c>v8</c>), if any.</summary>
    public string? Variant { get; }

    /// <summary>The image's size in bytes, when the source knows an uncompressed size.</summary>
    public long? Size { get; }

    /// <summary>What <see cref="Id"/> is the digest of (the config, unless the source says otherwise).</summary>
    public ImageIdKind IdKind { get; init; } = ImageIdKind.Config;

    /// <summary>The config digest, when the source gives it; for <see cref="ImageIdKind.Config"/> it is <see cref="Id"/>.</summary>
    public string? ConfigDigest { get; init; }

    /// <summary>The platform manifest's digest, when the source read it (a registry does).</summary>
    public string? ManifestDigest { get; init; }

    /// <summary>The media type of what the name points to (index or manifest), when the source read it.</summary>
    public string? MediaType { get; init; }

    /// <summary>What the source's answer held that is not in these facts, and why (a tag that is no name, a repo digest
    /// that is no digest), as messages for the user. Empty for most answers.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Repo digests the source records that no registry serves (Podman's <c>localhost/name@sha256:…</c>): kept in
    /// <see cref="RepoDigests"/>, never chosen as the repo digest. Empty for most sources.
    /// </summary>
    public IReadOnlyList<string> LocalRepoDigests { get; private set; } = Array.Empty<string>();

    /// <summary>
    /// A repo digest a registry gave for this image's tag when the image's config digest matched
    /// (<c>-ResolveRepoDigest</c>): chosen over <see cref="RepoDigests"/>, which stay the source's own, and reported
    /// with <see cref="IdentitySource.Registry"/> as its source. Null when no registry was asked.
    /// </summary>
    public string? RegistryRepoDigest { get; private set; }

    /// <summary>These facts with <paramref name="localRepoDigests"/> marked as digests no registry serves.</summary>
    public ImageFacts WithLocalRepoDigests(IReadOnlyList<string> localRepoDigests)
    {
        var copy = (ImageFacts)MemberwiseClone();
        copy.LocalRepoDigests = localRepoDigests ?? throw new ArgumentNullException(nameof(localRepoDigests));
        return copy;
    }

    /// <summary>These facts with the repo digest a registry gave for the image's tag.</summary>
    public ImageFacts WithRegistryRepoDigest(string repoDigest)
    {
        var copy = (ImageFacts)MemberwiseClone();
        copy.RegistryRepoDigest = repoDigest ?? throw new ArgumentNullException(nameof(repoDigest));
        return copy;
    }

    /// <summary>The platform as <c>os/arch[/variant]</c>, or null when the source did not say.</summary>
    public string? Platform => Os is null || Architecture is null
        ? null
        : Variant is null ? Os + "/" + Architecture : Os + "/" + Architecture + "/" + Variant;
}
