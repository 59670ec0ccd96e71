using System;
using ImgTrack.Identity;
using Xunit;

namespace ImgTrack.Core.Tests.Identity;

public sealed class RepoDigestSelectorTests
{
    private const string D1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string D2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    public static TheoryData<string, string[], string?, string?> Cases => new()
    {
        {
            "the requested repository's digest, though it is not the first",
            new[] { Recorded.OtherRepoDigest, Recorded.TeamRepoDigest }, "127.0.0.1:5731/team/app:1.0", Recorded.TeamRepoDigest
        },
        {
            "the other repository for the other name",
            new[] { Recorded.OtherRepoDigest, Recorded.TeamRepoDigest }, "127.0.0.1:5731/other/app:2.0", Recorded.OtherRepoDigest
        },
        {
            "Docker's familiar digest matches a fully qualified request",
            new[] { "registry.example/amazonlinux@" + D1, Recorded.AmazonLinuxRepoDigest }, "docker.io/library/amazonlinux:latest", Recorded.AmazonLinuxRepoDigest
        },
        {
            "a fully qualified digest matches a familiar request",
            new[] { "registry.example/nginx@" + D1, "docker.io/library/nginx@" + D2 }, "nginx", "docker.io/library/nginx@" + D2
        },
        {
            "the same path on another registry is another repository: first",
            new[] { "registry-a.example/team/app@" + D1, "registry-b.example/team/app@" + D2 }, "registry-c.example/team/app:1.0", "registry-a.example/team/app@" + D1
        },
        {
            "no repository matches (never pushed under this name): first, as the seed",
            new[] { Recorded.OtherRepoDigest, Recorded.TeamRepoDigest }, "team/app:1.0", Recorded.OtherRepoDigest
        },
        {
            "a name with a digest picks that exact digest within its repository",
            new[] { "127.0.0.1:5731/team/app@" + D1, "127.0.0.1:5731/team/app@" + D2 }, "127.0.0.1:5731/team/app@" + D2, "127.0.0.1:5731/team/app@" + D2
        },
        {
            "a digest the image lacks still picks its repository",
            new[] { "127.0.0.1:5731/other/app@" + D1, "127.0.0.1:5731/team/app@" + D1 }, "127.0.0.1:5731/team/app@" + D2, "127.0.0.1:5731/team/app@" + D1
        },
        { "no request (image ID input, -All): first", new[] { Recorded.OtherRepoDigest, Recorded.TeamRepoDigest }, null, Recorded.OtherRepoDigest },
        { "no repo digest at all", Array.Empty<string>(), "team/app:1.0", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Choose_prefers_the_requested_repository_else_the_first(string because, string[] repoDigests, string? requested, string? expected)
    {
        var reference = requested is null ? null : ImageReference.Parse(requested);

        var chosen = RepoDigestSelector.Choose(repoDigests, reference);

        Assert.True(expected == chosen, $"{because}: chose {chosen ?? "null"}");
    }
}
