using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Collection;
using ImgTrack.Engine;
using ImgTrack.Identity;
using ImgTrack.Oci;
using ImgTrack.Registry;
using Xunit;

namespace ImgTrack.Core.Tests.Collection;

/// <summary>
/// The pipeline over any source of identity, the engine collector's Podman rule and the -ResolveRepoDigest lookups'
/// run-wide rules, without an engine or a registry (an address nothing listens on stands for an unreachable registry).
/// </summary>
public sealed class IdentitySourceTests
{
    private const string Id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Digest = "@sha256:2222222222222222222222222222222222222222222222222222222222222222";

    [Fact]
    public void The_pipeline_keeps_input_order_over_any_source_and_lists_only_a_source_that_lists()
    {
        var source = new SlowFirstSource();
        using var pipeline = new IdentityPipeline(source, 4, CancellationToken.None);

        var outcomes = new[] { "a:1", "Not Valid", "b:1", "c:1" }.SelectMany(pipeline.Add).Concat(pipeline.Drain()).ToList();

        Assert.Equal(new[] { "a:1", "Not Valid", "b:1", "c:1" }, outcomes.Select(o => o.Input));
        Assert.Equal(IdentityError.InvalidImageReference, outcomes[1].Error);
        Assert.Equal(3, source.Calls);
        Assert.Throws<InvalidOperationException>(() => pipeline.AddAll().ToList());
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "localhost/team/app" + Digest)]
    public async Task On_Podman_a_localhost_digest_is_never_chosen_elsewhere_it_is_a_registry_digest(bool podman, string? chosen)
    {
        var facts = new ImageFacts(Id, new[] { "localhost/team/app:1.0" }, new[] { "localhost/team/app" + Digest }, null, "linux", "amd64", null, 1);
        using var collector = new ImageIdentityCollector(new OneImageEngine(facts), Info(podman), UtcTimestamp.Now);

        var outcome = await collector.ResolveAsync(ImageInput.Classify("localhost/team/app:1.0"), CancellationToken.None);

        Assert.Equal(chosen, outcome.Identity!.RepoDigest);
        Assert.Equal("localhost/team/app" + Digest, outcome.Identity.RepoDigests.ToString());
        Assert.Equal(podman, outcome.NeverPushed);
    }

    [Fact]
    public async Task On_Podman_a_digest_under_a_registry_name_is_chosen_without_ResolveRepoDigest()
    {
        var facts = new ImageFacts(Id, new[] { "127.0.0.1:5000/team/app:1.0" }, new[] { "localhost/team/app" + Digest, "127.0.0.1:5000/team/app" + Digest }, null, "linux", "amd64", null, 1);
        using var collector = new ImageIdentityCollector(new OneImageEngine(facts), Info(podman: true), UtcTimestamp.Now);

        var outcome = await collector.ResolveAsync(ImageInput.Classify("127.0.0.1:5000/team/app:1.0"), CancellationToken.None);

        Assert.Equal("127.0.0.1:5000/team/app" + Digest, outcome.Identity!.RepoDigest);
        Assert.Null(outcome.RepoDigestCheck);
    }

    [Fact]
    public async Task A_registry_that_cannot_be_reached_is_asked_once_and_the_names_behind_it_are_skipped()
    {
        var options = new RegistryOptions { MaxRetries = 0 };
        using var resolver = new RepoDigestResolver(options);
        var platform = Platform.Parse("linux/amd64");
        var tags = Enumerable.Range(1, 5).Select(i => ImageReference.Parse($"127.0.0.1:9/team/app{i}:1")).ToList();

        var checks = await Task.WhenAll(tags.Select(tag => resolver.CheckAsync(tag, platform, Id, null, CancellationToken.None)));

        var asked = Assert.Single(checks, c => c.Result == RepoDigestCheckResult.Failed);
        Assert.True(asked.FirstUnreachable);
        Assert.Equal(RegistryError.RegistryUnavailable, asked.Exception!.Error);
        Assert.All(checks.Where(c => c != asked), c => Assert.Equal(RepoDigestCheckResult.RegistrySkipped, c.Result));
    }

    [Fact]
    public async Task On_the_containerd_image_store_an_image_without_a_known_config_digest_is_not_compared_nor_asked_for()
    {
        // Containerd's image ID is a manifest or index digest: comparing it with a registry's config digest would call
        // every image stale. 127.0.0.1:9 would refuse a request; none is made.
        var facts = new ImageFacts(Id, new[] { "127.0.0.1:9/team/app:1.0" }, Array.Empty<string>(), null, "linux", "amd64", null, 1);
        var info = new EngineInfo("unix:///test.sock", "29.0.0", "1.52", "vm", usesContainerdImageStore: true);
        using var collector = new ImageIdentityCollector(new OneImageEngine(facts), info, UtcTimestamp.Now);
        using var resolver = new RepoDigestResolver(new RegistryOptions { MaxRetries = 0 });
        collector.ResolveRepoDigestsWith(resolver);

        var outcome = await collector.ResolveAsync(ImageInput.Classify("127.0.0.1:9/team/app:1.0"), CancellationToken.None);

        Assert.Equal(RepoDigestCheckResult.NotComparable, outcome.RepoDigestCheck!.Result);
        Assert.Null(outcome.Identity!.RepoDigest);
    }

    [Fact]
    public async Task A_registry_answer_that_cannot_be_had_leaves_the_engines_identity_and_says_why()
    {
        var facts = new ImageFacts(Id, new[] { "127.0.0.1:9/team/app:1.0" }, Array.Empty<string>(), null, "linux", "amd64", null, 1);
        using var collector = new ImageIdentityCollector(new OneImageEngine(facts), Info(podman: false), UtcTimestamp.Now);
        using var resolver = new RepoDigestResolver(new RegistryOptions { MaxRetries = 0 });
        collector.ResolveRepoDigestsWith(resolver);

        var outcome = await collector.ResolveAsync(ImageInput.Classify("127.0.0.1:9/team/app:1.0"), CancellationToken.None);

        Assert.Equal(Id, outcome.Identity!.TrackingId);
        Assert.Equal(RepoDigestCheckResult.Failed, outcome.RepoDigestCheck!.Result);
        Assert.Equal("127.0.0.1:9/team/app:1.0", outcome.RepoDigestCheck.Tag.Original);
        Assert.Equal("linux/amd64", outcome.RepoDigestCheck.Platform.ToString());
    }

    [Fact]
    public void The_engine_says_it_is_Podman_by_its_version_components()
    {
        Assert.True(Info(podman: true).IsPodman);
        Assert.False(Info(podman: false).IsPodman);
        Assert.False(new EngineInfo("unix:///x", null, null, null, false).IsPodman);
    }

    private static EngineInfo Info(bool podman) => new("unix:///test.sock", podman ? "4.3.1" : "20.10.24", "1.41", "vm", false)
    {
        Os = "linux",
        Architecture = "amd64",
        Components = podman ? new[] { "Podman Engine", "Conmon", "OCI Runtime (runc)" } : new[] { "Engine", "containerd", "runc" },
    };

    /// <summary>Answers every name with one image.</summary>
    private sealed class OneImageEngine : IImageEngine
    {
        private readonly ImageFacts _facts;

        public OneImageEngine(ImageFacts facts) => _facts = facts;

        public string Endpoint => "unix:///test.sock";

        public Task<EngineInfo> GetInfoAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ImageSummary>> ListImagesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ImageFacts?> InspectImageAsync(string nameOrId, CancellationToken cancellationToken) => Task.FromResult<ImageFacts?>(_facts);

        public void Dispose()
        {
        }
    }

    /// <summary>A source whose first answer comes last.</summary>
    private sealed class SlowFirstSource : IIdentitySource
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async Task<IdentityOutcome> ResolveAsync(ImageInput input, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await Task.Delay(200, cancellationToken);
            }

            return IdentityOutcome.Failed(input.Text, IdentityError.RegistryFailed, "no such tag", new RegistryException(RegistryError.ManifestNotFound, "registry.example", "no such tag"));
        }
    }
}
