using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Oci;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Registry;

/// <summary>
/// Issue 9's fidelity check, field by field: what the resolver says a name stands for equals what dockerd 20.10 records
/// after pulling it (classic store: <c>Id</c> = config digest, <c>RepoDigests[0]</c> = repo@ the digest of what the tag
/// points to, the index for a multi-platform image), by tag and by digest, for linux/amd64 and linux/arm64/v8.
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class RegistryFidelityTests
{
    private readonly DockerEngineFixture _engine;

    public RegistryFidelityTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public async Task A_single_platform_docker_v2_image_pushed_by_the_engine_resolves_to_the_engines_identity()
    {
        var name = _engine.RegistryAddress + "/fidelity/single:1.0";
        _engine.ImportImage(name);
        _engine.Push(name);
        var (id, repoDigest, os, architecture) = Inspect(name);

        using var resolver = new RemoteImageResolver();
        var byTag = await resolver.ResolveAsync(ImageReference.Parse(name), Platform.Parse("linux/amd64"), CancellationToken.None);
        var byDigest = await resolver.ResolveAsync(ImageReference.Parse(repoDigest), Platform.Parse("linux/amd64"), CancellationToken.None);

        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", byTag.MediaType);
        foreach (var image in new[] { byTag, byDigest })
        {
            Assert.Equal(id, image.ImageId);
            Assert.Equal(repoDigest, image.RepoDigest);
            Assert.Equal(TrackingKey.Create(repoDigest), TrackingKey.Create(image.RepoDigest));
            Assert.Equal((os, architecture), (image.Os, image.Architecture));
        }
    }

    [EngineFact]
    public async Task A_two_platform_oci_index_pushed_by_skopeo_resolves_to_what_the_engine_pulls_on_each_platform()
    {
        var layout = Path.Combine(_engine.Directory, "fidelity-multi");
        var configs = OciLayout.Write(layout, "linux/amd64", "linux/arm64/v8");
        var name = _engine.RegistryAddress + "/fidelity/multi:1.0";
        OciLayout.Skopeo("--insecure-policy", "copy", "--all", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":" + OciLayout.Tag, "docker://" + name);

        _engine.Docker("pull", "--platform", "linux/amd64", name);
        var amd64 = Inspect(name);

        // dockerd 20.10 keeps one image per repo@digest: pulled second into the same engine, the arm64 image would get no
        // RepoDigests at all (seen here), so the amd64 image goes first and arm64 is pulled as a fresh engine would.
        _engine.Docker("image", "rm", "--force", amd64.Id);
        _engine.Docker("pull", "--platform", "linux/arm64/v8", name);
        var arm64 = Inspect(name);

        // The engine's own record, as DESIGN.md states it: config digests per platform, one index digest for both.
        Assert.Equal(configs["linux/amd64"], amd64.Id);
        Assert.Equal(configs["linux/arm64/v8"], arm64.Id);
        Assert.Equal(amd64.RepoDigest, arm64.RepoDigest);

        using var resolver = new RemoteImageResolver();
        foreach (var asked in new[] { name, amd64.RepoDigest })
        {
            var remoteAmd64 = await resolver.ResolveAsync(ImageReference.Parse(asked), Platform.Parse("linux/amd64"), CancellationToken.None);
            var remoteArm64 = await resolver.ResolveAsync(ImageReference.Parse(asked), Platform.Parse("linux/arm64/v8"), CancellationToken.None);

            Assert.Equal("application/vnd.oci.image.index.v1+json", remoteAmd64.MediaType);
            Assert.Equal((amd64.Id, amd64.RepoDigest, amd64.Os, amd64.Architecture), (remoteAmd64.ImageId, remoteAmd64.RepoDigest, remoteAmd64.Os, remoteAmd64.Architecture));
            Assert.Equal((arm64.Id, arm64.RepoDigest, arm64.Os, arm64.Architecture), (remoteArm64.ImageId, remoteArm64.RepoDigest, remoteArm64.Os, remoteArm64.Architecture));
            Assert.Equal("linux/arm64/v8", remoteArm64.Platform!.ToString());
            Assert.Equal(TrackingKey.Create(arm64.RepoDigest), TrackingKey.Create(remoteArm64.RepoDigest));
        }
    }

    private (string Id, string RepoDigest, string Os, string Architecture) Inspect(string name)
    {
        using var document = JsonDocument.Parse(_engine.Docker("image", "inspect", "--format", "{{json .}}", name));
        var root = document.RootElement;
        var digests = root.GetProperty("RepoDigests");
        Assert.Equal(1, digests.GetArrayLength());
        return (root.GetProperty("Id").GetString()!, digests[0].GetString()!, root.GetProperty("Os").GetString()!, root.GetProperty("Architecture").GetString()!);
    }
}
