using System.Text.Json.Serialization;
using Docker.DotNet.Models;

namespace ImgTrack.Engine;

/// <summary>
/// System.Text.Json metadata, generated at build time, for the four engine answers ImgTrack reads, in Docker.DotNet's own
/// models (<c>Docker.DotNet.Models</c>, from the Engine API's swagger). Generated rather than reflected so a cold start
/// does not pay for reflection-based serializer warm-up.
/// </summary>
/// <remarks>
/// Ours, not the library's: Docker.DotNet.Enhanced 4.3.3 generates <c>DockerModelsJsonSerializerContext</c> and the
/// options its client deserializes with (with its date converter), but both are <c>internal</c> (checked in the package's
/// netstandard2.0 and net10.0 builds), so they cannot be named without reflection. The generated code reads and writes the
/// models' public properties only, so it runs with either build: the module stages netstandard2.0, a net10 test host
/// resolves net10.0. How the answers are bound (only the members ImgTrack reads, a
/// lenient date) is set in <see cref="EngineAnswers"/>.
/// </remarks>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(SystemInfoResponse))]
[JsonSerializable(typeof(ImagesListResponse[]))]
[JsonSerializable(typeof(ImageInspectResponse))]
internal sealed partial class EngineModelContext : JsonSerializerContext
{
}
