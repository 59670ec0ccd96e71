using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Engine;

/// <summary>The Docker.DotNet-backed engine against a real dockerd 20.10 on a private unix socket.</summary>
public sealed class RealEngineTests : IClassFixture<DockerEngineFixture>
{
    private readonly DockerEngineFixture _engine;

    public RealEngineTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public async Task GetInfo_over_a_unix_socket_reports_the_engine_version_api_version_and_host_name()
    {
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        var info = await client.GetInfoAsync(CancellationToken.None);

        // What the docker CLI reads from the same engine.
        var cliVersion = _engine.Docker("version", "--format", "{{.Server.Version}}|{{.Server.APIVersion}}").Split('|');
        var cliName = _engine.Docker("info", "--format", "{{.Name}}");
        Assert.Equal(_engine.DockerHost, info.Endpoint);
        Assert.Equal(cliVersion[0], info.EngineVersion);
        Assert.StartsWith("20.10.", info.EngineVersion, StringComparison.Ordinal);
        Assert.Equal("1.41", info.ApiVersion);
        Assert.Equal(cliVersion[1], info.ApiVersion);
        Assert.Equal(cliName, info.HostName);
        Assert.Equal(Environment.MachineName, info.HostName);
        Assert.False(info.UsesContainerdImageStore);
    }

    [EngineFact]
    public async Task ListImages_returns_each_image_once_with_tags_and_the_same_created_time_as_inspect()
    {
        var id = _engine.ImportImage("list/app:1.0");
        _engine.Docker("tag", "list/app:1.0", "list/app:also");
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        var images = await client.ListImagesAsync(CancellationToken.None);

        var image = Assert.Single(images, i => i.Id == id);
        Assert.Equal(new[] { "list/app:1.0", "list/app:also" }, image.RepoTags.OrderBy(t => t, StringComparer.Ordinal));
        Assert.Empty(image.RepoDigests);
        var details = await client.InspectImageAsync(id, CancellationToken.None);
        Assert.NotNull(details);
        Assert.NotNull(image.Created);

        // The list answer has whole Unix seconds, inspect has RFC 3339 with nanoseconds: same instant to the second.
        Assert.Equal(details!.Created!.Value.UtcDateTime.AddTicks(-(details.Created.Value.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)), image.Created!.Value.UtcDateTime);
        Assert.Equal(details.Size, image.Size);
    }

    [EngineFact]
    public async Task ListImages_drops_the_none_placeholders_of_an_untagged_image()
    {
        var id = _engine.ImportImage("dangling/app:1.0");
        _engine.Docker("rmi", "--no-prune", "dangling/app:1.0");
        _engine.ImportImage("dangling/keep:1.0");
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        var images = await client.ListImagesAsync(CancellationToken.None);

        // API 1.41 lists an untagged image as <none>:<none> / <none>@<none>: neither is a name.
        Assert.DoesNotContain(images, i => i.RepoTags.Concat(i.RepoDigests).Any(v => v.Contains("<none>", StringComparison.Ordinal)));
    }

    [EngineFact]
    public async Task InspectImage_matches_docker_image_inspect_for_a_name_an_id_and_a_short_id()
    {
        var id = _engine.ImportImage("inspect/app:2.0");
        using var cli = JsonDocument.Parse(_engine.Docker("image", "inspect", "inspect/app:2.0"));
        var expected = cli.RootElement[0];
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        foreach (var nameOrId in new[] { "inspect/app:2.0", id, id.Substring("sha256:".Length, 12) })
        {
            var details = await client.InspectImageAsync(nameOrId, CancellationToken.None);

            Assert.NotNull(details);
            Assert.Equal(expected.GetProperty("Id").GetString(), details!.Id);
            Assert.Equal(new[] { "inspect/app:2.0" }, details.RepoTags);
            Assert.Empty(details.RepoDigests);
            Assert.Equal(expected.GetProperty("Os").GetString(), details.Os);
            Assert.Equal(expected.GetProperty("Architecture").GetString(), details.Architecture);
            Assert.Equal(expected.GetProperty("Size").GetInt64(), details.Size);

            // RFC 3339 with nanoseconds; .NET keeps 100 ns ticks, and parsers differ in rounding the last one.
            var cliCreated = DateTimeOffset.Parse(expected.GetProperty("Created").GetString()!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;
            Assert.InRange(details.Created!.Value.UtcDateTime.Ticks - cliCreated.Ticks, -1, 1);
        }
    }

    [EngineTheory]
    [InlineData("missing/app:1.0")]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("name with space")]
    [InlineData("what?ever")]
    public async Task InspectImage_returns_null_for_an_image_the_engine_does_not_have(string nameOrId)
    {
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        Assert.Null(await client.InspectImageAsync(nameOrId, CancellationToken.None));
    }

    [EngineFact]
    public async Task InspectImage_after_a_push_reports_the_registry_repo_digest()
    {
        var name = _engine.RegistryAddress + "/pushed/app:1.0";
        _engine.ImportImage(name);
        _engine.Push(name);
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        var details = await client.InspectImageAsync(name, CancellationToken.None);

        var digest = Assert.Single(details!.RepoDigests);
        Assert.Matches("^" + System.Text.RegularExpressions.Regex.Escape(_engine.RegistryAddress) + "/pushed/app@sha256:[0-9a-f]{64}$", digest);
    }

    [EngineFact]
    public async Task Eight_inspects_in_parallel_through_one_client_all_succeed()
    {
        var ids = Enumerable.Range(0, 16).Select(i => _engine.ImportImage($"parallel/app:{i}")).ToArray();
        using var client = ImageEngineFactory.Create(_engine.DockerHost);

        using var gate = new SemaphoreSlim(8);
        var results = await Task.WhenAll(ids.Select(async id =>
        {
            await gate.WaitAsync();
            try
            {
                return await client.InspectImageAsync(id, CancellationToken.None);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.Equal(ids, results.Select(r => r!.Id));
    }
}
