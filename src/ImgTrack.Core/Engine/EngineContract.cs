using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Docker.DotNet.Models;

namespace ImgTrack.Engine;

/// <summary>
/// The JSON contract of the Docker.DotNet models ImgTrack reads the engine's answers into: for each model, the members
/// ImgTrack uses, by their JSON names (moby docs/api/v1.41.yaml to v1.51.yaml: <c>SystemVersion</c>, <c>SystemInfo</c>,
/// <c>ImageSummary</c>, <c>ImageInspect</c>, <c>OCIDescriptor</c>, <c>OCIPlatform</c>, <c>ImageManifestSummary</c>).
/// Every other member of an answer is skipped unread, as the engine API's own clients do: an engine that adds fields, leaves
/// out optional ones, or writes an odd value where ImgTrack does not look (a healthcheck interval, a label, a graph driver's
/// data) is read fine. Strings, numbers and lists are System.Text.Json's own (<see cref="DefaultJsonTypeInfoResolver"/>).
/// </summary>
/// <remarks>
/// Declared with System.Text.Json's contract API (<see cref="JsonTypeInfo.CreateJsonTypeInfo{T}"/>,
/// <see cref="JsonTypeInfo.CreateJsonPropertyInfo(Type, string)"/>) rather than through a context: Docker.DotNet.Enhanced 4.3.3's own
/// <c>DockerModelsJsonSerializerContext</c> and serializer options are <c>internal</c> (checked in its netstandard2.0 and
/// net10.0 builds), and a source-generated context of ours for these models held metadata for all of their members and
/// for every model they lead to (about 300 KB of code) and made a cold start compile far more: for the first -All of a
/// fresh pwsh on 100 images, 1,089 methods with the old hand reader, 1,495 with that context, 1,347 with this contract
/// (measured here with DOTNET_JitDisasmSummary). It sets public properties only, so it works with the package's
/// netstandard2.0 build the module stages and the net10.0 build a test host resolves alike.
/// </remarks>
internal sealed class EngineContract : IJsonTypeInfoResolver
{
    private static readonly DefaultJsonTypeInfoResolver s_values = new();

    /// <inheritdoc />
    public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options)
    {
        if (type == typeof(VersionResponse))
        {
            return Model<VersionResponse>(
                options,
                Member<VersionResponse, string>("Version", static (m, v) => m.Version = v),
                Member<VersionResponse, string>("ApiVersion", static (m, v) => m.APIVersion = v),
                Member<VersionResponse, string>("Os", static (m, v) => m.Os = v),
                Member<VersionResponse, string>("Arch", static (m, v) => m.Arch = v),
                Member<VersionResponse, IList<ComponentVersion>>("Components", static (m, v) => m.Components = v));
        }

        if (type == typeof(ComponentVersion))
        {
            return Model<ComponentVersion>(options, Member<ComponentVersion, string>("Name", static (m, v) => m.Name = v));
        }

        if (type == typeof(SystemInfoResponse))
        {
            return Model<SystemInfoResponse>(
                options,
                Member<SystemInfoResponse, string>("Name", static (m, v) => m.Name = v),
                Member<SystemInfoResponse, IList<string[]>>("DriverStatus", static (m, v) => m.DriverStatus = v));
        }

        if (type == typeof(ImagesListResponse))
        {
            return Model<ImagesListResponse>(
                options,
                Member<ImagesListResponse, string>("Id", static (m, v) => m.ID = v),
                Texts<ImagesListResponse>("RepoTags", static (m, v) => m.RepoTags = v),
                Texts<ImagesListResponse>("RepoDigests", static (m, v) => m.RepoDigests = v),
                Member<ImagesListResponse, DateTime>("Created", static (m, v) => m.Created = v),
                Member<ImagesListResponse, long>("Size", static (m, v) => m.Size = v));
        }

        if (type == typeof(ImageInspectResponse))
        {
            return Model<ImageInspectResponse>(
                options,
                Member<ImageInspectResponse, string>("Id", static (m, v) => m.ID = v),
                Texts<ImageInspectResponse>("RepoTags", static (m, v) => m.RepoTags = v),
                Texts<ImageInspectResponse>("RepoDigests", static (m, v) => m.RepoDigests = v),
                Member<ImageInspectResponse, DateTime?>("Created", static (m, v) => m.Created = v),
                Member<ImageInspectResponse, string>("Os", static (m, v) => m.Os = v),
                Member<ImageInspectResponse, string>("Architecture", static (m, v) => m.Architecture = v),
                Member<ImageInspectResponse, string>("Variant", static (m, v) => m.Variant = v),
                Member<ImageInspectResponse, long>("Size", static (m, v) => m.Size = v),
                Member<ImageInspectResponse, Descriptor>("Descriptor", static (m, v) => m.Descriptor = v),
                Member<ImageInspectResponse, IList<ManifestSummary>>("Manifests", static (m, v) => m.Manifests = v));
        }

        if (type == typeof(Descriptor))
        {
            return Model<Descriptor>(
                options,
                Member<Descriptor, string>("mediaType", static (m, v) => m.MediaType = v),
                Member<Descriptor, string>("digest", static (m, v) => m.Digest = v));
        }

        if (type == typeof(ManifestSummary))
        {
            return Model<ManifestSummary>(
                options,
                Member<ManifestSummary, string>("ID", static (m, v) => m.ID = v),
                Member<ManifestSummary, Descriptor>("Descriptor", static (m, v) => m.Descriptor = v),
                Member<ManifestSummary, bool>("Available", static (m, v) => m.Available = v),
                Member<ManifestSummary, string>("Kind", static (m, v) => m.Kind = v),
                Member<ManifestSummary, ImageProperties>("ImageData", static (m, v) => m.ImageData = v));
        }

        if (type == typeof(ImageProperties))
        {
            return Model<ImageProperties>(options, Member<ImageProperties, Platform>("Platform", static (m, v) => m.Platform = v));
        }

        if (type == typeof(Platform))
        {
            return Model<Platform>(
                options,
                Member<Platform, string>("os", static (m, v) => m.OS = v),
                Member<Platform, string>("architecture", static (m, v) => m.Architecture = v),
                Member<Platform, string>("variant", static (m, v) => m.Variant = v));
        }

        // Strings, numbers, arrays and lists (of the models above, too).
        return s_values.GetTypeInfo(type, options);
    }

    private static JsonTypeInfo Model<TModel>(JsonSerializerOptions options, params Func<JsonTypeInfo, JsonPropertyInfo>[] members)
        where TModel : new()
    {
        var model = JsonTypeInfo.CreateJsonTypeInfo<TModel>(options);
        model.CreateObject = static () => new TModel();
        foreach (var member in members)
        {
            model.Properties.Add(member(model));
        }

        return model;
    }

    // Tags and repo digests: one string that is not UTF-8 costs that entry, not the answer (EngineTextListConverter).
    private static Func<JsonTypeInfo, JsonPropertyInfo> Texts<TModel>(string name, Action<TModel, IList<string>> set) => model =>
    {
        var member = Member(name, set)(model);
        member.CustomConverter = EngineTextListConverter.Instance;
        return member;
    };

    private static Func<JsonTypeInfo, JsonPropertyInfo> Member<TModel, TValue>(string name, Action<TModel, TValue> set) => model =>
    {
        var member = model.CreateJsonPropertyInfo(typeof(TValue), name);
        member.Set = (target, value) => set((TModel)target, (TValue)value!);
        return member;
    };
}
