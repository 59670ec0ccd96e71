using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImgTrack.Engine;
using ImgTrack.Identity;
using Xunit;

namespace ImgTrack.Core.Tests.Identity;

/// <summary>Recorded engine answers mapped to identities (no engine needed).</summary>
public sealed class ImageIdentityBuilderTests
{
    private static readonly UtcTimestamp s_collectedAt = new(new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc));

    private static ImageFactsFor Image(RecordedEngine engine, string id) => new(engine, engine.AllDetails.Single(d => d.Id == id));

    [Fact]
    public void The_seeds_pulled_image_tracks_by_its_repo_digest_with_every_inspect_field_mapped()
    {
        var engine = RecordedEngine.SeedAmazonLinux();
        var image = Image(engine, Recorded.AmazonLinuxId);

        var identity = ImageIdentityBuilder.ForName("amazonlinux", ImageReference.Parse("amazonlinux"), image.Details, engine.Info.HostName, s_collectedAt);

        Assert.Equal("amazonlinux", identity.Name);
        Assert.Equal("docker.io/library/amazonlinux:latest", identity.Reference);
        Assert.Equal("library/amazonlinux", identity.Repository);
        Assert.Equal(Recorded.AmazonLinuxId, identity.ImageId);
        Assert.Equal(Recorded.AmazonLinuxRepoDigest, identity.RepoDigest);
        Assert.Equal(Recorded.AmazonLinuxRepoDigest, identity.TrackingId);
        Assert.Equal("RepoDigest", identity.TrackingIdSource);
        Assert.Equal("docker.io/library/" + Recorded.AmazonLinuxRepoDigest, identity.TrackingKey);
        Assert.Equal(Recorded.AmazonLinuxRepoDigest, identity.RepoDigests.ToString());
        Assert.Equal("amazonlinux:latest", identity.RepoTags.ToString());
        // The engine reports nanoseconds (.005295155); the text has seven fraction digits, cut to 100 ns ticks as the
        // engine client's System.Text.Json reads them (not rounded), so engine and registry give one text for one time.
        Assert.Equal("2022-11-17T01:39:26.0052951Z", identity.Created);
        Assert.Equal("linux", identity.Os);
        Assert.Equal("arm64", identity.Architecture);
        Assert.Equal(193805498, identity.Size);
        Assert.Equal(RecordedEngine.RecordedHostName, identity.ComputerName);
        Assert.Equal("2026-11-23T12:00:00.0000000Z", identity.CollectedAt);

        // The columns after v1: the engine answered, for the image and its repo digest; the ID is the config digest.
        Assert.Equal("Engine", identity.Source);
        Assert.Equal("Engine", identity.RepoDigestSource);
        Assert.Equal("linux/arm64/v8", identity.Platform);
        Assert.Null(identity.ManifestDigest);
        Assert.Null(identity.MediaType);
        Assert.Equal("Config", identity.ImageIdKind);
        Assert.Equal(Recorded.AmazonLinuxId, identity.ConfigDigest);
    }

    [Fact]
    public void A_never_pushed_image_has_no_repo_digest_source()
    {
        var engine = RecordedEngine.Dockerd2010();

        var identity = ImageIdentityBuilder.ForImage(null, Image(engine, Recorded.SoloId).Details, engine.Info.HostName, s_collectedAt);

        Assert.Equal("ImageId", identity.TrackingIdSource);
        Assert.Equal("Engine", identity.Source);
        Assert.Null(identity.RepoDigestSource);
    }

    [Fact]
    public void An_imported_never_pushed_image_tracks_by_its_image_ID()
    {
        var engine = RecordedEngine.Dockerd2010();
        var image = Image(engine, Recorded.SoloId);

        var identity = ImageIdentityBuilder.ForName("solo", ImageReference.Parse("solo"), image.Details, engine.Info.HostName, s_collectedAt);

        Assert.Null(identity.RepoDigest);
        Assert.Empty(identity.RepoDigests);
        Assert.Equal(string.Empty, identity.RepoDigests.ToString());
        Assert.Equal(Recorded.SoloId, identity.TrackingId);
        Assert.Equal("ImageId", identity.TrackingIdSource);
        Assert.Equal(Recorded.SoloId, identity.TrackingKey);
        Assert.Equal("amd64", identity.Architecture);
    }

    [Theory]
    [InlineData("127.0.0.1:5731/team/app:1.0", Recorded.TeamRepoDigest)]
    [InlineData("127.0.0.1:5731/other/app:2.0", Recorded.OtherRepoDigest)]
    [InlineData("team/app:1.0", Recorded.OtherRepoDigest)]
    public void One_image_under_several_names_gives_each_name_its_own_repositorys_digest(string name, string expectedRepoDigest)
    {
        var engine = RecordedEngine.Dockerd2010();
        var image = Image(engine, Recorded.PushedId);

        var identity = ImageIdentityBuilder.ForName(name, ImageReference.Parse(name), image.Details, engine.Info.HostName, s_collectedAt);

        Assert.Equal(expectedRepoDigest, identity.RepoDigest);
        Assert.Equal(expectedRepoDigest, identity.TrackingId);
        Assert.Equal(expectedRepoDigest, identity.TrackingKey);
        Assert.Equal(Recorded.PushedId, identity.ImageId);
        Assert.Equal(Recorded.OtherRepoDigest + ";" + Recorded.TeamRepoDigest, identity.RepoDigests.ToString());
    }

    [Fact]
    public void An_image_ID_input_keeps_the_ID_as_its_name_and_takes_parts_from_the_first_tag_and_the_first_digest()
    {
        var engine = RecordedEngine.Dockerd2010();
        var image = Image(engine, Recorded.PushedId);

        var identity = ImageIdentityBuilder.ForImage("3e91a50f2068", image.Details, engine.Info.HostName, s_collectedAt);

        Assert.Equal("3e91a50f2068", identity.Name);
        Assert.Equal("127.0.0.1:5731/other/app:2.0", identity.Reference);
        Assert.Equal("127.0.0.1:5731", identity.Registry);
        Assert.Equal(5731, identity.Port);
        Assert.Equal("other/app", identity.Repository);
        Assert.Equal("2.0", identity.Tag);
        Assert.Equal(Recorded.OtherRepoDigest, identity.RepoDigest);
    }

    [Fact]
    public void A_listed_untagged_image_is_named_by_its_ID_with_empty_name_parts()
    {
        var engine = RecordedEngine.Dockerd2010();
        var image = Image(engine, Recorded.UntaggedId);

        var identity = ImageIdentityBuilder.ForImage(null, image.Details, engine.Info.HostName, s_collectedAt);

        Assert.Equal(Recorded.UntaggedId, identity.Name);
        Assert.Null(identity.Reference);
        Assert.Null(identity.Registry);
        Assert.Null(identity.Repository);
        Assert.Null(identity.Tag);
        Assert.Equal(string.Empty, identity.RepoTags.ToString());
        Assert.Equal("ImageId", identity.TrackingIdSource);
    }

    [Fact]
    public void A_listed_tagged_image_is_named_by_its_first_tag()
    {
        var engine = RecordedEngine.Dockerd2010();
        var image = Image(engine, Recorded.SoloId);

        var identity = ImageIdentityBuilder.ForImage(null, image.Details, engine.Info.HostName, s_collectedAt);

        Assert.Equal("solo:latest", identity.Name);
        Assert.Equal("docker.io/library/solo:latest", identity.Reference);
    }

    [Theory]
    [InlineData(new[] { "<none>:<none>" }, null)]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "<none>:<none>", "a:1" }, "a:1")]
    [InlineData(new[] { "b:2", "a:1" }, "b:2")]
    public void FirstTag_skips_the_placeholder_of_engines_before_API_1_43(string[] tags, string? expected)
    {
        // The placeholder is dropped once, where engine data enters (EnginePlaceholders); the builder sees real tags.
        Assert.Equal(expected, ImageIdentityBuilder.FirstTag(EnginePlaceholders.RemoveFrom(tags)));
    }

    [Fact]
    public async Task The_recorded_list_maps_to_one_summary_per_image_without_placeholders()
    {
        var engine = RecordedEngine.Dockerd2010();

        var list = await engine.ListImagesAsync(CancellationToken.None);

        Assert.Equal(new[] { Recorded.PushedId, Recorded.UntaggedId, Recorded.SoloId }, list.Select(i => i.Id));
        Assert.Empty(list[1].RepoTags);
        Assert.Empty(list[1].RepoDigests);
        Assert.Empty(list[2].RepoDigests);
    }

    private sealed record ImageFactsFor(RecordedEngine Engine, ImageFacts Details);
}
