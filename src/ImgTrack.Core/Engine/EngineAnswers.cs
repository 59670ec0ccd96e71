using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Docker.DotNet.Models;
using ImgTrack.Identity;
using ImgTrack.Text;
using RegistryMediaTypes = ImgTrack.Oci.MediaTypes;

namespace ImgTrack.Engine;

/// <summary>
/// Reads the engine's answers into Docker.DotNet's models and turns the models into ImgTrack's records. Only the members
/// ImgTrack reads are bound (<see cref="EngineContract"/>); every other member of those models stays at its default and its
/// JSON is skipped unread: an engine that adds fields, leaves out optional ones, or writes an odd value in a field ImgTrack
/// does not use reads fine, and an odd <c>Created</c> is unknown (<see cref="EngineTimeConverter"/>). A bound member of
/// the wrong type (<c>Size</c> as a string), or an answer without a required member, throws
/// <see cref="InvalidDataException"/> naming it; text that is not JSON throws <see cref="JsonException"/>.
/// </summary>
internal static class EngineAnswers
{
    private const string ContainerdSnapshotter = "io.containerd.snapshotter.v1";

    private static readonly JsonSerializerOptions s_options = CreateOptions();

    /// <summary><c>GET /version</c>.</summary>
    public static JsonTypeInfo<VersionResponse> Version => (JsonTypeInfo<VersionResponse>)s_options.GetTypeInfo(typeof(VersionResponse));

    /// <summary><c>GET /info</c>.</summary>
    public static JsonTypeInfo<SystemInfoResponse> Info => (JsonTypeInfo<SystemInfoResponse>)s_options.GetTypeInfo(typeof(SystemInfoResponse));

    /// <summary><c>GET /images/json</c>.</summary>
    public static JsonTypeInfo<ImagesListResponse[]> List => (JsonTypeInfo<ImagesListResponse[]>)s_options.GetTypeInfo(typeof(ImagesListResponse[]));

    /// <summary>One entry of <c>GET /images/json</c> (<see cref="ImageListReader"/> reads the list entry by entry).</summary>
    public static JsonTypeInfo<ImagesListResponse> ListEntry => (JsonTypeInfo<ImagesListResponse>)s_options.GetTypeInfo(typeof(ImagesListResponse));

    /// <summary><c>GET /images/{name}/json</c>.</summary>
    public static JsonTypeInfo<ImageInspectResponse> Inspect => (JsonTypeInfo<ImageInspectResponse>)s_options.GetTypeInfo(typeof(ImageInspectResponse));

    /// <summary>Reads one answer.</summary>
    /// <exception cref="JsonException">The answer is not JSON.</exception>
    /// <exception cref="InvalidDataException">The answer is JSON, but not of the documented shape.</exception>
    public static T Read<T>(byte[] body, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new InvalidDataException(EngineMessages.AnswerNull);
        }
        catch (JsonException e) when (IsJson(body))
        {
            // The serializer says "could not be converted" for wrong types and for broken JSON alike; only the second is
            // "not JSON". The path names the member ("$.Size", "$[3].Id").
            var path = e.Path is null or "$" ? null : e.Path.TrimStart('$').TrimStart('.');
            throw new InvalidDataException(path is null ? "the answer is not " + (typeof(T).IsArray ? "an array of objects." : "an object.") : "'" + path + "' has the wrong type.", e);
        }
    }

    /// <summary>What <c>/version</c> and <c>/info</c> say.</summary>
    public static EngineInfo ToEngineInfo(string endpoint, VersionResponse version, SystemInfoResponse info)
    {
        var components = new List<string>();
        if (version.Components is { } list)
        {
            foreach (var component in list)
            {
                if (NullIfEmpty(component?.Name) is { } name)
                {
                    components.Add(name);
                }
            }
        }

        return new EngineInfo(endpoint, NullIfEmpty(version.Version), NullIfEmpty(version.APIVersion), NullIfEmpty(info.Name), UsesContainerdStore(info))
        {
            Os = NullIfEmpty(version.Os),
            Architecture = NullIfEmpty(version.Arch),
            Components = components,
        };
    }

    /// <summary>Every image of <c>/images/json</c>, in the engine's order.</summary>
    public static List<ImageSummary> ToSummaries(ImagesListResponse[] list)
    {
        var images = new List<ImageSummary>(list.Length);
        foreach (var image in list)
        {
            images.Add(ToSummary(image ?? throw new InvalidDataException(EngineMessages.AnswerNotObjectArray)));
        }

        return images;
    }

    /// <summary>One entry of <c>/images/json</c>. Tags and repo digests that break the reference grammar are left out
    /// without a word: the list only names images (for <c>-All</c> and completion); each image's inspect reports them.</summary>
    public static ImageSummary ToSummary(ImagesListResponse image) => new(
        Required(image.ID, "Id"),
        ValidNames(image.RepoTags, digests: false, null),
        ValidNames(image.RepoDigests, digests: true, null),
        Known(image.Created),
        image.Size);

    /// <summary>
    /// One image of <c>/images/{name}/json</c>. On the containerd image store the answer has a <c>Descriptor</c> of the
    /// image's target: when the ID is that target's digest, the ID is a manifest's or an index's digest, not the config's
    /// (<see cref="ImageIdKind"/>), and with <c>manifests=1</c> (API 1.48+) the platform manifest of an index is found
    /// among <c>Manifests</c>. The documented schema gives no config digest there, so <see cref="ImageFacts.ConfigDigest"/>
    /// stays unknown for such IDs.
    /// </summary>
    /// <param name="image">The answer.</param>
    /// <param name="endpoint">The engine, for the warnings about entries left out.</param>
    public static ImageFacts ToFacts(ImageInspectResponse image, string endpoint)
    {
        var id = Required(image.ID, "Id");
        var warnings = new List<string>();
        var os = NullIfEmpty(image.Os);
        var architecture = NullIfEmpty(image.Architecture);
        var variant = NullIfEmpty(image.Variant);

        var kind = ImageIdKind.Config;
        string? mediaType = null;
        string? manifestDigest = null;
        if (image.Descriptor is { } descriptor)
        {
            mediaType = NullIfEmpty(descriptor.MediaType);
            if (descriptor.Digest == id)
            {
                if (RegistryMediaTypes.IsIndex(mediaType))
                {
                    kind = ImageIdKind.Index;
                    manifestDigest = PlatformManifest(image.Manifests, os, architecture, variant);
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
            ValidNames(image.RepoTags, digests: false, (value, why) => warnings.Add(MessageText.Format(EngineMessages.TagDropped, endpoint, value, id, why))),
            ValidNames(image.RepoDigests, digests: true, (value, why) => warnings.Add(MessageText.Format(EngineMessages.DigestDropped, endpoint, value, id, why))),
            image.Created is { } created ? Known(created) : null,
            os,
            architecture,
            variant,
            image.Size)
        {
            IdKind = kind,
            MediaType = mediaType,
            ManifestDigest = manifestDigest,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The tags (or repo digests) of an answer that are names by the reference grammar, without the placeholders of
    /// older engines: engine text is checked where it enters, like any other name, so that what reaches a CSV cell or a
    /// registry request is a name (not <c>=HYPERLINK(…)</c>, not bytes that are not UTF-8). Each one left out is reported
    /// through <paramref name="dropped"/> with the reason.
    /// </summary>
    internal static IReadOnlyList<string> ValidNames(IList<string>? values, bool digests, Action<string, string>? dropped)
    {
        var kept = EnginePlaceholders.RemoveFrom(values);
        List<string>? valid = null;
        for (var i = 0; i < kept.Count; i++)
        {
            var value = kept[i];
            string? why = null;
            if (value.IndexOf('\uFFFD') >= 0)
            {
                why = EngineMessages.NotUtf8;
            }
            else if (!ImageReference.TryParse(value, out var parsed, out var error))
            {
                why = error;
            }
            else if (digests && parsed.Digest is null)
            {
                why = EngineMessages.NotADigest;
            }

            if (why is null)
            {
                valid?.Add(value);
                continue;
            }

            if (valid is null)
            {
                valid = new List<string>(kept.Count);
                for (var j = 0; j < i; j++)
                {
                    valid.Add(kept[j]);
                }
            }

            dropped?.Invoke(value, why);
        }

        return valid ?? kept;
    }

    // /info DriverStatus holds ["driver-type", "io.containerd.snapshotter.v1"] on the containerd image store.
    private static bool UsesContainerdStore(SystemInfoResponse info)
    {
        if (info.DriverStatus is { } status)
        {
            foreach (var pair in status)
            {
                if (pair is { Length: >= 2 } && pair[0] == "driver-type" && pair[1] == ContainerdSnapshotter)
                {
                    return true;
                }
            }
        }

        return false;
    }

    // The digest of the index's image manifest for the platform the engine reports for the image (its default platform):
    // the one "image" entry of Manifests whose platform matches, else the only available one.
    private static string? PlatformManifest(IList<ManifestSummary>? manifests, string? os, string? architecture, string? variant)
    {
        if (manifests is null)
        {
            return null;
        }

        string? matching = null;
        string? onlyAvailable = null;
        var matches = 0;
        var available = 0;
        foreach (var manifest in manifests)
        {
            if (manifest is null || manifest.Kind != "image")
            {
                continue;
            }

            var digest = NullIfEmpty(manifest.ID) ?? NullIfEmpty(manifest.Descriptor?.Digest);
            if (digest is null)
            {
                continue;
            }

            if (manifest.Available)
            {
                available++;
                onlyAvailable = digest;
            }

            if (manifest.ImageData?.Platform is { } platform
                && NullIfEmpty(platform.OS) == os && NullIfEmpty(platform.Architecture) == architecture
                && NullIfEmpty(platform.Variant) == variant)
            {
                matches++;
                matching = digest;
            }
        }

        return matches == 1 ? matching : matches == 0 && available == 1 ? onlyAvailable : null;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = new EngineContract() };
        options.Converters.Add(new EngineTimeConverter());
        options.MakeReadOnly();
        return options;
    }

    private static bool IsJson(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            var any = false;
            while (reader.Read())
            {
                any = true;
            }

            return any;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Required(string? value, string name) =>
        NullIfEmpty(value) ?? throw new InvalidDataException(MessageText.Format(EngineMessages.AnswerLacksField, name));

    // EngineTimeConverter reads what it cannot read as default(DateTime); Go's zero time (0001-01-01) means unset too.
    private static UtcTimestamp? Known(DateTime time) => time == default ? null : new UtcTimestamp(time);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
