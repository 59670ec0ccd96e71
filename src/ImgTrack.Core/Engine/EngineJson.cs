using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using ImgTrack.Identity;
using ImgTrack.Registry;

namespace ImgTrack.Engine;

/// <summary>
/// Reads the few engine answers ImgTrack needs, field by field, as the Engine API documents them (moby
/// <c>docs/api/v1.41.yaml</c> to <c>v1.51.yaml</c>: <c>SystemVersion</c>, <c>SystemInfo</c>, <c>ImageSummary</c>,
/// <c>ImageInspect</c>, <c>OCIDescriptor</c>, <c>ImageManifestSummary</c>). Fields we do not use are never read, so an
/// engine that adds fields, or leaves out optional ones, reads fine. An answer without a required field, or of the wrong
/// shape, throws <see cref="InvalidDataException"/> naming what is missing.
/// </summary>
internal static class EngineJson
{
    private const string ContainerdSnapshotter = "io.containerd.snapshotter.v1";

    /// <summary><c>GET /version</c>: the engine's version and API version.</summary>
    public static VersionAnswer ReadVersion(JsonElement root)
    {
        RequireKind(root, JsonValueKind.Object, "an object");
        var components = new List<string>();
        if (root.TryGetProperty("Components", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in list.EnumerateArray())
            {
                if (component.ValueKind == JsonValueKind.Object && NullIfEmpty(Text(component, "Name")) is { } name)
                {
                    components.Add(name);
                }
            }
        }

        return new VersionAnswer(Text(root, "Version"), Text(root, "ApiVersion"))
        {
            Os = NullIfEmpty(Text(root, "Os")),
            Architecture = NullIfEmpty(Text(root, "Arch")),
            Components = components,
        };
    }

    /// <summary><c>GET /info</c>: the host name, and whether the image store is containerd's (<c>DriverStatus</c>
    /// holds <c>["driver-type", "io.containerd.snapshotter.v1"]</c>).</summary>
    public static InfoAnswer ReadInfo(JsonElement root)
    {
        RequireKind(root, JsonValueKind.Object, "an object");
        var containerd = false;
        if (root.TryGetProperty("DriverStatus", out var status) && status.ValueKind == JsonValueKind.Array)
        {
            foreach (var pair in status.EnumerateArray())
            {
                if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() >= 2
                    && pair[0].ValueKind == JsonValueKind.String && pair[0].GetString() == "driver-type"
                    && pair[1].ValueKind == JsonValueKind.String && pair[1].GetString() == ContainerdSnapshotter)
                {
                    containerd = true;
                }
            }
        }

        return new InfoAnswer(Text(root, "Name"), containerd);
    }

    /// <summary><c>GET /images/json</c>: every image, in the engine's order. <c>Created</c> is Unix seconds here.</summary>
    public static List<ImageSummary> ReadList(JsonElement root)
    {
        RequireKind(root, JsonValueKind.Array, "an array");
        var images = new List<ImageSummary>(root.GetArrayLength());
        foreach (var image in root.EnumerateArray())
        {
            RequireKind(image, JsonValueKind.Object, "an array of objects");
            var created = Number(image, "Created");
            images.Add(new ImageSummary(
                RequiredText(image, "Id"),
                EnginePlaceholders.RemoveFrom(Texts(image, "RepoTags")),
                EnginePlaceholders.RemoveFrom(Texts(image, "RepoDigests")),
                created is > 0 ? UtcTimestamp.FromUnixTimeSeconds(created.Value) : null,
                Number(image, "Size") ?? 0));
        }

        return images;
    }

    /// <summary>
    /// <c>GET /images/{name}/json</c>: one image. <c>Created</c> is RFC 3339 here. On the containerd image store the
    /// answer has a <c>Descriptor</c> of the image's target: when the ID is that target's digest, the ID is a manifest's
    /// or an index's digest, not the config's (<see cref="ImageIdKind"/>), and with <c>manifests=1</c> (API 1.48+) the
    /// platform manifest of an index is found among <c>Manifests</c>. The documented schema gives no config digest there,
    /// so <see cref="ImageFacts.ConfigDigest"/> stays unknown for such IDs.
    /// </summary>
    public static ImageFacts ReadInspect(JsonElement root)
    {
        RequireKind(root, JsonValueKind.Object, "an object");
        var id = RequiredText(root, "Id");
        var os = NullIfEmpty(Text(root, "Os"));
        var architecture = NullIfEmpty(Text(root, "Architecture"));
        var variant = NullIfEmpty(Text(root, "Variant"));

        var kind = ImageIdKind.Config;
        string? mediaType = null;
        string? manifestDigest = null;
        if (root.TryGetProperty("Descriptor", out var descriptor) && descriptor.ValueKind == JsonValueKind.Object)
        {
            mediaType = NullIfEmpty(Text(descriptor, "mediaType"));
            if (Text(descriptor, "digest") == id)
            {
                if (RegistryMediaTypes.IsIndex(mediaType))
                {
                    kind = ImageIdKind.Index;
                    manifestDigest = PlatformManifest(root, os, architecture, variant);
                }
                else if (RegistryMediaTypes.IsManifest(mediaType))
                {
                    kind = ImageIdKind.Manifest;
                    manifestDigest = id;
                }
            }
        }

        return new ImageFacts(
            id,
            EnginePlaceholders.RemoveFrom(Texts(root, "RepoTags")),
            EnginePlaceholders.RemoveFrom(Texts(root, "RepoDigests")),
            Timestamp(root, "Created"),
            os,
            architecture,
            variant,
            Number(root, "Size"))
        {
            IdKind = kind,
            MediaType = mediaType,
            ManifestDigest = manifestDigest,
        };
    }

    // The digest of the index's image manifest for the platform the engine reports for the image (its default platform):
    // the one "image" entry of Manifests whose platform matches, else the only available one.
    private static string? PlatformManifest(JsonElement root, string? os, string? architecture, string? variant)
    {
        if (!root.TryGetProperty("Manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? matching = null;
        string? onlyAvailable = null;
        var matches = 0;
        var available = 0;
        foreach (var manifest in manifests.EnumerateArray())
        {
            if (manifest.ValueKind != JsonValueKind.Object || Text(manifest, "Kind") != "image")
            {
                continue;
            }

            var digest = NullIfEmpty(Text(manifest, "ID"))
                ?? (manifest.TryGetProperty("Descriptor", out var descriptor) && descriptor.ValueKind == JsonValueKind.Object ? NullIfEmpty(Text(descriptor, "digest")) : null);
            if (digest is null)
            {
                continue;
            }

            if (manifest.TryGetProperty("Available", out var isAvailable) && isAvailable.ValueKind == JsonValueKind.True)
            {
                available++;
                onlyAvailable = digest;
            }

            if (manifest.TryGetProperty("ImageData", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("Platform", out var platform) && platform.ValueKind == JsonValueKind.Object
                && Text(platform, "os") == os && Text(platform, "architecture") == architecture
                && NullIfEmpty(Text(platform, "variant")) == variant)
            {
                matches++;
                matching = digest;
            }
        }

        return matches == 1 ? matching : matches == 0 && available == 1 ? onlyAvailable : null;
    }

    private static void RequireKind(JsonElement element, JsonValueKind kind, string what)
    {
        if (element.ValueKind != kind)
        {
            throw new InvalidDataException("the answer is not " + what + ".");
        }
    }

    private static string RequiredText(JsonElement element, string name) =>
        NullIfEmpty(Text(element, name)) ?? throw new InvalidDataException("the answer has no '" + name + "'.");

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static IEnumerable<string>? Texts(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var texts = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                texts.Add(item.GetString()!);
            }
        }

        return texts;
    }

    private static UtcTimestamp? Timestamp(JsonElement element, string name)
    {
        var text = NullIfEmpty(Text(element, name));
        if (text is null)
        {
            return null;
        }

        try
        {
            return UtcTimestamp.Parse(text);
        }
        catch (FormatException)
        {
            // Optional, and only informative: an engine's odd date must not cost the image its identity.
            return null;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // Classes, not value tuples: the generic async methods that carry them (DockerImageEngine.CallAsync) then share one
    // compiled body with every other reference type, which a cold start pays for in JIT time.

    /// <summary>What <c>/version</c> says.</summary>
    internal sealed class VersionAnswer
    {
        public VersionAnswer(string? version, string? apiVersion)
        {
            Version = version;
            ApiVersion = apiVersion;
        }

        public string? Version { get; }

        public string? ApiVersion { get; }

        /// <summary>The engine's OS and architecture (the platform a pull chooses).</summary>
        public string? Os { get; init; }

        public string? Architecture { get; init; }

        /// <summary>The names of the engine's components (<c>Engine</c>, or <c>Podman Engine</c>).</summary>
        public IReadOnlyList<string> Components { get; init; } = Array.Empty<string>();
    }

    /// <summary>What <c>/info</c> says.</summary>
    internal sealed class InfoAnswer
    {
        public InfoAnswer(string? hostName, bool containerdStore)
        {
            HostName = hostName;
            ContainerdStore = containerdStore;
        }

        public string? HostName { get; }

        public bool ContainerdStore { get; }
    }
}
