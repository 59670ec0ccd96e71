using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Collection;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.Registry;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.Core.Tests.Collection;

/// <summary>
/// A Podman image whose tag has moved on in the registry (<c>-ResolveRepoDigest</c>), against a real registry
/// (<see cref="RegistryFixture"/>): Podman's record under the tag is the digest of the manifest Podman wrote, which no
/// registry serves, so the image is tracked by its image ID, with the stale-tag result.
/// </summary>
public sealed class PodmanStaleTagTests : IClassFixture<RegistryFixture>
{
    private const string LocalId = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string PodmanDigest = "@sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private readonly RegistryFixture _registries;

    public PodmanStaleTagTests(RegistryFixture registries) => _registries = registries;

    [EngineFact]
    public async Task A_stale_Podman_image_is_tracked_by_its_image_ID_not_by_the_digest_Podman_recorded()
    {
        var registry = _registries.PlainAddress;
        var pushed = _registries.Push(registry, "team/moved:1.0", "linux/amd64");
        var tag = registry + "/team/moved:1.0";
        var facts = new ImageFacts(LocalId, new[] { tag }, new[] { "localhost/team/moved" + PodmanDigest, registry + "/team/moved" + PodmanDigest }, null, "linux", "amd64", null, 1);
        var info = new EngineInfo("unix:///podman.sock", "4.3.1", "1.41", "vm", false)
        {
            Os = "linux",
            Architecture = "amd64",
            Components = new[] { "Podman Engine", "Conmon" },
        };
        using var collector = new ImageIdentityCollector(new OneImageEngine(facts), info, UtcTimestamp.Now);
        var options = new RegistryOptions { MaxRetries = 0 };
        options.AllowInsecureRegistries.Add(registry);
        using var resolver = new RepoDigestResolver(options);
        collector.ResolveRepoDigestsWith(resolver);

        var outcome = await collector.ResolveAsync(ImageInput.Classify(tag), CancellationToken.None);

        Assert.Equal(RepoDigestCheckResult.Stale, outcome.RepoDigestCheck!.Result);
        Assert.Equal(pushed["linux/amd64"], outcome.RepoDigestCheck.Remote!.ImageId);
        var identity = outcome.Identity!;
        Assert.Null(identity.RepoDigest);
        Assert.Equal(LocalId, identity.TrackingId);
        Assert.Equal(nameof(TrackingIdSource.ImageId), identity.TrackingIdSource);
        Assert.Contains(registry + "/team/moved" + PodmanDigest, identity.RepoDigests.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Answers every name with one image.</summary>
    private sealed class OneImageEngine : IImageEngine
    {
        private readonly ImageFacts _facts;

        public OneImageEngine(ImageFacts facts) => _facts = facts;

        public string Endpoint => "unix:///podman.sock";

        public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken) => Task.FromResult<ImageFacts?>(_facts);

        public void Dispose()
        {
        }
    }
}
