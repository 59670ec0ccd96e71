using ImgTrack.Cri;
using ImgTrack.Identity;
using Xunit;

namespace ImgTrack.Core.Tests.Cri;

/// <summary>
/// From a runtime, the tracking ID is what the kubelet copies into the pod's imageID: the runtime's FIRST repo digest,
/// whatever name was asked (containerd merges every repository of an image and reports the lexically first).
/// </summary>
public sealed class CriIdentityTests
{
    private const string Id = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Alpha = "127.0.0.1:5000/alpha/same@sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private const string Zeta = "127.0.0.1:5000/zeta/same@sha256:2222222222222222222222222222222222222222222222222222222222222222";

    [Fact]
    public void Asked_by_the_second_repository_the_repo_digest_is_still_the_runtime_s_first()
    {
        var facts = CriImageService.Facts(Id, new[] { "127.0.0.1:5000/alpha/same:1", "127.0.0.1:5000/zeta/same:1" }, new[] { Alpha, Zeta }, 1234);

        var identity = ImageIdentityBuilder.ForName("127.0.0.1:5000/zeta/same:1", ImageReference.Parse("127.0.0.1:5000/zeta/same:1"), facts, "node1", UtcTimestamp.Now, IdentitySource.Cri);

        Assert.Equal(Alpha, identity.RepoDigest);
        Assert.Equal(TrackingKey.Create(Alpha), identity.TrackingKey);
        Assert.Equal("zeta/same", identity.Repository);
        Assert.Equal(Alpha + ";" + Zeta, identity.RepoDigests.ToString());
        Assert.Equal("Cri", identity.Source);
        Assert.Equal("Cri", identity.RepoDigestSource);
        Assert.Equal("node1", identity.ComputerName);
        Assert.Equal(1234, identity.Size);
    }

    [Fact]
    public void An_engine_asked_by_the_second_repository_still_chooses_that_repository()
    {
        // The engine's rule is unchanged: only the runtime's first digest is its identity.
        var facts = new ImageFacts(Id, new[] { "127.0.0.1:5000/alpha/same:1", "127.0.0.1:5000/zeta/same:1" }, new[] { Alpha, Zeta }, null, null, null, null, null);

        var identity = ImageIdentityBuilder.ForName("127.0.0.1:5000/zeta/same:1", ImageReference.Parse("127.0.0.1:5000/zeta/same:1"), facts, "node1", UtcTimestamp.Now);

        Assert.Equal(Zeta, identity.RepoDigest);
    }

    [Fact]
    public void Without_repo_digests_the_tracking_ID_is_the_image_ID_and_what_the_CRI_does_not_give_stays_empty()
    {
        var identity = ImageIdentityBuilder.ForImage(null, CriImageService.Facts(Id, new[] { "imported/app:1" }, System.Array.Empty<string>(), 0), "node1", UtcTimestamp.Now, IdentitySource.Cri);

        Assert.Equal(Id, identity.TrackingId);
        Assert.Equal("ImageId", identity.TrackingIdSource);
        Assert.Null(identity.Created);
        Assert.Null(identity.Os);
        Assert.Null(identity.Architecture);
        Assert.Null(identity.Size);
    }
}
