using System;
using System.Collections.Generic;
using System.Text.Json;
using ImgTrack.Text;

namespace ImgTrack.Oci;

/// <summary>A verified manifest or index: its digest, media type and the parts identity needs.</summary>
internal sealed class ManifestDocument
{
    private ManifestDocument(string digest, string mediaType, IReadOnlyList<Descriptor> manifests, Descriptor? config)
    {
        Digest = digest;
        MediaType = mediaType;
        Manifests = manifests;
        Config = config;
    }

    public string Digest { get; }

    public string MediaType { get; }

    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>An index's entries (empty for a manifest).</summary>
    public IReadOnlyList<Descriptor> Manifests { get; }

    /// <summary>A manifest's config (null for an index).</summary>
    public Descriptor? Config { get; }

    /// <summary>The index entry a pull for <paramref name="platform"/> takes: the best of containerd's order, first
    /// in index order among equals; with a Windows <c>os.version</c>, an entry of the same build before one without.
    /// Null when no entry fits (and always for a manifest).</summary>
    public Descriptor? EntryFor(Platform platform)
    {
        foreach (var wanted in platform.PullOrder())
        {
            Descriptor? unversioned = null;
            foreach (var entry in Manifests)
            {
                if (entry.Platform is null || !wanted.Matches(entry.Platform))
                {
                    continue;
                }

                if (wanted.OsVersion is null || entry.Platform.OsVersion is not null)
                {
                    return entry;
                }

                unversioned ??= entry;
            }

            if (unversioned is not null)
            {
                return unversioned;
            }
        }

        return null;
    }


    /// <summary>
    /// Reads verified bytes. The media type is the document's own <c>mediaType</c> when it has one, else the
    /// Content-Type, else (OCI allows documents without it) what its shape says. Throws <see cref="FormatException"/>
    /// naming what is wrong, or <see cref="NotSupportedException"/> with an unknown media type.
    /// </summary>
    public static ManifestDocument Parse(string digest, byte[] content, string? contentType)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException(OciMessages.DocumentNotObject);
            }

            var declared = MediaTypes.Bare(String(root, "mediaType"));
            var served = MediaTypes.Bare(contentType);
            var mediaType = declared
                ?? (MediaTypes.IsKnown(served) ? served : null)
                ?? (root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex
                    : root.TryGetProperty("config", out _) ? MediaTypes.OciManifest
                    : served ?? OciMessages.MediaTypeNone);
            if (!MediaTypes.IsKnown(mediaType))
            {
                throw new NotSupportedException(mediaType);
            }

            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2)
            {
                throw new FormatException(OciMessages.SchemaVersionNot2);
            }

            if (MediaTypes.IsIndex(mediaType))
            {
                if (!root.TryGetProperty("manifests", out var list) || list.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException(OciMessages.IndexNoManifests);
                }

                var manifests = new List<Descriptor>();
                foreach (var entry in list.EnumerateArray())
                {
                    manifests.Add(ReadDescriptor(entry, "manifests[]", withPlatform: true));
                }

                return new ManifestDocument(digest, mediaType, manifests, null);
            }

            if (!root.TryGetProperty("config", out var config))
            {
                throw new FormatException(OciMessages.ManifestNoConfig);
            }

            return new ManifestDocument(digest, mediaType, Array.Empty<Descriptor>(), ReadDescriptor(config, "config", withPlatform: false));
        }
    }

    /// <summary>Reads an image config's platform and creation time (the fields identity shows).</summary>
    public static (Platform? Platform, UtcTimestamp? Created) ParseConfig(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException(OciMessages.ConfigNotObject);
            }

            var os = String(root, "os");
            var architecture = String(root, "architecture");
            var platform = string.IsNullOrEmpty(os) || string.IsNullOrEmpty(architecture)
                ? null
                : new Platform(os!, architecture!, String(root, "variant"), String(root, "os.version"));
            UtcTimestamp? created = null;
            var text = String(root, "created");
            if (!string.IsNullOrEmpty(text))
            {
                try
                {
                    created = UtcTimestamp.Parse(text!);
                }
                catch (FormatException)
                {
                    // An unreadable date is left empty rather than failing the identity.
                }
            }

            return (platform, created);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static Descriptor ReadDescriptor(JsonElement element, string where, bool withPlatform)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException(MessageText.Format(OciMessages.DescriptorNotObject, where));
        }

        var digest = String(element, "digest");
        if (!ContentDigest.IsValid(digest))
        {
            throw new FormatException(MessageText.Format(OciMessages.DescriptorDigestInvalid, where, digest));
        }

        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw new FormatException(MessageText.Format(OciMessages.DescriptorSizeInvalid, where));
        }

        Platform? platform = null;
        if (withPlatform && element.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var os = String(p, "os");
            var architecture = String(p, "architecture");
            if (!string.IsNullOrEmpty(os) && !string.IsNullOrEmpty(architecture))
            {
                platform = new Platform(os!, architecture!, String(p, "variant"), String(p, "os.version"));
            }
        }

        return new Descriptor(MediaTypes.Bare(String(element, "mediaType")) ?? string.Empty, digest!, size, platform);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
