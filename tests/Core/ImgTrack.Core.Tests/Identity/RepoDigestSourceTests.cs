using System;
using ImgTrack.Identity;
using Xunit;

namespace ImgTrack.Core.Tests.Identity;

/// <summary>Which repo digest is chosen, and who it is said to come from, when some of an image's digests are no
/// registry's (Podman's <c>localhost/</c>) or a registry gave one (<c>-Remote</c>, <c>-ResolveRepoDigest</c>).</summary>
public sealed class RepoDigestSourceTests
{
    private const string Id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string LocalDigest = "localhost/team/app@sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private const string PushedDigest = "127.0.0.1:5000/team/app@sha256:3333333333333333333333333333333333333333333333333333333333333333";
    private const string RegistryDigest = "127.0.0.1:5000/team/app@sha256:4444444444444444444444444444444444444444444444444444444444444444";
    private static readonly UtcTimestamp s_now = new(new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc));

    private static ImageFacts Facts(params string[] repoDigests) =>
        new(Id, new[] { "localhost/team/app:1.0" }, repoDigests, null, "linux", "amd64", null, 100);

    [Fact]
    public void A_digest_no_registry_serves_stays_in_RepoDigests_but_is_never_chosen()
    {
        var facts = Facts(LocalDigest).WithLocalRepoDigests(new[] { LocalDigest });

        var identity = ImageIdentityBuilder.ForImage(null, facts, "vm", s_now);

        Assert.Null(identity.RepoDigest);
        Assert.Null(identity.RepoDigestSource);
        Assert.Equal(Id, identity.TrackingId);
        Assert.Equal("ImageId", identity.TrackingIdSource);
        Assert.Equal(LocalDigest, identity.RepoDigests.ToString());
    }

    [Fact]
    public void Of_a_local_and_a_registry_digest_the_registrys_is_chosen_even_when_listed_second()
    {
        var facts = Facts(LocalDigest, PushedDigest).WithLocalRepoDigests(new[] { LocalDigest });

        var identity = ImageIdentityBuilder.ForImage(null, facts, "vm", s_now);

        Assert.Equal(PushedDigest, identity.RepoDigest);
        Assert.Equal("Engine", identity.RepoDigestSource);
    }

    [Fact]
    public void Without_local_digests_marked_a_localhost_digest_is_a_registry_digest_as_Docker_reads_it()
    {
        var identity = ImageIdentityBuilder.ForImage(null, Facts(LocalDigest), "vm", s_now);

        Assert.Equal(LocalDigest, identity.RepoDigest);
    }

    [Fact]
    public void A_registrys_digest_for_the_tag_wins_with_RepoDigestSource_Registry_and_the_engines_list_kept()
    {
        var facts = Facts(LocalDigest, PushedDigest).WithLocalRepoDigests(new[] { LocalDigest }).WithRegistryRepoDigest(RegistryDigest);

        var identity = ImageIdentityBuilder.ForName("127.0.0.1:5000/team/app:1.0", ImageReference.Parse("127.0.0.1:5000/team/app:1.0"), facts, "vm", s_now);

        Assert.Equal(RegistryDigest, identity.RepoDigest);
        Assert.Equal(RegistryDigest, identity.TrackingId);
        Assert.Equal(RegistryDigest, identity.TrackingKey);
        Assert.Equal("RepoDigest", identity.TrackingIdSource);
        Assert.Equal("Registry", identity.RepoDigestSource);
        Assert.Equal("Engine", identity.Source);
        Assert.Equal(LocalDigest + ";" + PushedDigest, identity.RepoDigests.ToString());
        Assert.Equal(Id, identity.ImageId);
    }

    [Fact]
    public void An_identity_a_registry_answered_for_names_the_registry_as_both_sources()
    {
        var facts = new ImageFacts(Id, Array.Empty<string>(), new[] { RegistryDigest }, null, "linux", "arm64", "v8", null)
        {
            ManifestDigest = "sha256:5555555555555555555555555555555555555555555555555555555555555555",
            MediaType = "application/vnd.oci.image.index.v1+json",
        };

        var identity = ImageIdentityBuilder.ForName("127.0.0.1:5000/team/app:1.0", ImageReference.Parse("127.0.0.1:5000/team/app:1.0"), facts, null, s_now, IdentitySource.Registry);

        Assert.Equal(("Registry", "Registry"), (identity.Source, identity.RepoDigestSource));
        Assert.Equal("linux/arm64/v8", identity.Platform);
        Assert.Equal("arm64", identity.Architecture);
        Assert.Equal(("Config", Id), (identity.ImageIdKind, identity.ConfigDigest));
        Assert.Null(identity.Size);
        Assert.Null(identity.ComputerName);
    }
}
