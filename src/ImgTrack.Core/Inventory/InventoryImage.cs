using System;
using System.Collections.Generic;

namespace ImgTrack.Inventory;

/// <summary>
/// One server image as the merge reads it: the columns of an <see cref="ImageIdentity"/> that identify content, from a
/// live object, an Import-Csv row or a deserialized one. Lists may arrive as one <c>;</c>-joined cell (CSV).
/// </summary>
public sealed class InventoryImage
{
    /// <summary>Creates an inventory image; null and empty values mean "not known".</summary>
    /// <param name="computerName">The server (the engine's host name).</param>
    /// <param name="name">The inventory's Name column.</param>
    /// <param name="imageId">The engine's image ID.</param>
    /// <param name="trackingKey">The inventory's tracking key.</param>
    /// <param name="repoDigests">Every repo digest of the image.</param>
    /// <param name="repoTags">Every tag of the image.</param>
    /// <param name="reference">The canonical reference of the name the server was asked for.</param>
    /// <param name="manifestDigest">The platform manifest's digest, when a registry was read.</param>
    /// <param name="imageIdKind">What the image ID is the digest of: <c>Config</c> (default), <c>Manifest</c> or <c>Index</c>.</param>
    /// <param name="configDigest">The config digest, where known.</param>
    public InventoryImage(
        string? computerName,
        string? name,
        string? imageId,
        string? trackingKey,
        IEnumerable<string?>? repoDigests = null,
        IEnumerable<string?>? repoTags = null,
        string? reference = null,
        string? manifestDigest = null,
        string? imageIdKind = null,
        string? configDigest = null)
    {
        ComputerName = Empty(computerName);
        Name = Empty(name);
        ImageId = Empty(imageId);
        TrackingKey = Empty(trackingKey);
        RepoDigests = Split(repoDigests);
        RepoTags = Split(repoTags);
        Reference = Empty(reference);
        ManifestDigest = Empty(manifestDigest);
        ImageIdKind = Empty(imageIdKind);
        ConfigDigest = Empty(configDigest);
    }

    /// <summary>The server; null when not known.</summary>
    public string? ComputerName { get; }

    /// <summary>The inventory's Name.</summary>
    public string? Name { get; }

    /// <summary>The engine's image ID.</summary>
    public string? ImageId { get; }

    /// <summary>The inventory's tracking key.</summary>
    public string? TrackingKey { get; }

    /// <summary>Every repo digest (a <c>;</c>-joined cell already split).</summary>
    public IReadOnlyList<string> RepoDigests { get; }

    /// <summary>Every tag (a <c>;</c>-joined cell already split).</summary>
    public IReadOnlyList<string> RepoTags { get; }

    /// <summary>The canonical reference of the name asked for.</summary>
    public string? Reference { get; }

    /// <summary>The platform manifest's digest.</summary>
    public string? ManifestDigest { get; }

    /// <summary><c>Config</c>, <c>Manifest</c> or <c>Index</c>; null means <c>Config</c> (inventories written before the column existed).</summary>
    public string? ImageIdKind { get; }

    /// <summary>The config digest.</summary>
    public string? ConfigDigest { get; }

    /// <summary>The inventory image of a live identity.</summary>
    public static InventoryImage FromIdentity(ImageIdentity identity)
    {
        if (identity is null)
        {
            throw new ArgumentNullException(nameof(identity));
        }

        return new InventoryImage(
            identity.ComputerName,
            identity.Name,
            identity.ImageId,
            identity.TrackingKey,
            identity.RepoDigests,
            identity.RepoTags,
            identity.Reference,
            identity.ManifestDigest,
            identity.ImageIdKind,
            identity.ConfigDigest);
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // A CSV cell holds a list joined with ';' (ValueList.Separator), which neither digests nor tags can contain.
    private static IReadOnlyList<string> Split(IEnumerable<string?>? values)
    {
        if (values is null)
        {
            return Array.Empty<string>();
        }

        List<string>? list = null;
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            list ??= new List<string>();
            if (value!.IndexOf(';') < 0)
            {
                list.Add(value.Trim());
                continue;
            }

            foreach (var part in value.Split(';'))
            {
                var trimmed = part.Trim();
                if (trimmed.Length > 0)
                {
                    list.Add(trimmed);
                }
            }
        }

        return list is null ? Array.Empty<string>() : list;
    }
}
