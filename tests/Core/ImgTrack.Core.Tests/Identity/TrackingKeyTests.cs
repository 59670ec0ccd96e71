using System;
using Xunit;
using static ImgTrack.Core.Tests.References.ImageReferenceValidNameTests;

namespace ImgTrack.Core.Tests.Identity;

/// <summary>
/// Every form Kubernetes reports as <c>imageID</c>, every Docker repo digest and every image ID turn into one key,
/// so a merge is a plain join (DESIGN.md, "What Kubernetes reports as imageID").
/// </summary>
public sealed class TrackingKeyTests
{
    private const string NginxKey = "docker.io/library/nginx@" + Sha256;

    public static TheoryData<string, string, string> Ids => new()
    {
        // source, id, key
        { "dockershim with a repo digest", "docker-pullable://nginx@" + Sha256, NginxKey },
        { "dockershim without a repo digest", "docker://" + Sha256, Sha256 },
        { "containerd CRI with a repo digest", "docker.io/library/nginx@" + Sha256, NginxKey },
        { "containerd CRI without a repo digest", Sha256, Sha256 },
        { "Docker repo digest, familiar", "nginx@" + Sha256, NginxKey },
        { "Docker repo digest, legacy index host", "index.docker.io/library/nginx@" + Sha256, NginxKey },
        { "Docker repo digest, Hub namespace", "team/app@" + Sha256, "docker.io/team/app@" + Sha256 },
        { "Docker repo digest, private registry", "127.0.0.1:5000/team/app@" + Sha256, "127.0.0.1:5000/team/app@" + Sha256 },
        { "dockershim, private registry", "docker-pullable://127.0.0.1:5000/team/app@" + Sha256, "127.0.0.1:5000/team/app@" + Sha256 },
        { "a tag next to the digest is dropped", "nginx:1.25@" + Sha256, NginxKey },
        { "a tag next to the digest is dropped, fully qualified", "docker.io/library/nginx:1.25@" + Sha256, NginxKey },
        { "Docker image ID without its algorithm", Hex64, Sha256 },
        { "sha512 repo digest", "nginx@" + Sha512, "docker.io/library/nginx@" + Sha512 },
        // Names that only start like a bare digest (found by fuzzing, issue 10: tests/Fuzz/ImgTrack.Fuzz, target tracking-key).
        {
            "repository sha384 with a tag and a digest (the fuzzer's input)",
            "sha384:dbcc1c35a@sha256:23575912276fc9c01236789a9ab0b32ffdb93e789abcd3575912276fc9c012ed",
            "docker.io/library/sha384@sha256:23575912276fc9c01236789a9ab0b32ffdb93e789abcd3575912276fc9c012ed"
        },
        { "repository sha256 with a tag and a digest", "sha256:1.0@" + Sha256, "docker.io/library/sha256@" + Sha256 },
        { "registry host sha256 with a port", "sha256:5000/app@" + Sha256, "sha256:5000/app@" + Sha256 },
        { "dockershim, registry host sha512 with a port", "docker-pullable://sha512:443/team/app@" + Sha256, "sha512:443/team/app@" + Sha256 },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Create_turns_each_form_into_the_canonical_key(string source, string id, string key)
    {
        Assert.True(key == TrackingKey.Create(id), source);
        Assert.True(TrackingKey.TryCreate(id, out var created, out var error), source + ": " + error);
        Assert.Equal(key, created);
    }

    public static TheoryData<string, string> InvalidIds => new()
    {
        // id, the reason the message gives after saying what was expected
        { "", "tracking ID is empty" },
        { "nginx", "'nginx' names an image but has no digest" },
        { "nginx:1.25", "'nginx:1.25' names an image but has no digest" },
        { "docker-pullable://nginx", "'docker-pullable://nginx' names an image but has no digest" },
        { "docker-pullable://", "tracking ID is empty after 'docker-pullable://'" },
        { "docker://", "tracking ID is empty after 'docker://'" },
        { "nginx@sha256:abc", "digest 'sha256:abc' must have 64 hex characters" },
        { "sha256:" + Hex64.ToUpperInvariant(), "must use lowercase hex" },
        { "Nginx@" + Sha256, "repository path 'Nginx' must be lowercase" },
        { "containerd://" + Sha256, "registry port must not be empty in 'containerd:'" },
        { Hex64.Substring(1), "names an image but has no digest" },
        // A '/' or '@' makes it a name, read and rejected as one.
        { "sha256:5000/app", "'sha256:5000/app' names an image but has no digest" },
    };

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public void Create_rejects_other_strings_saying_what_was_expected(string id, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => TrackingKey.Create(id));
        Assert.StartsWith($"tracking ID '{id}' is not a repo digest (name@sha256:<64 hex>), an image ID (sha256:<64 hex>) or a Kubernetes imageID (docker-pullable://…, docker://…): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);

        Assert.False(TrackingKey.TryCreate(id, out var key, out var error));
        Assert.Null(key);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void TryCreate_of_null_is_false_with_a_reason()
    {
        Assert.False(TrackingKey.TryCreate(null, out var key, out var error));
        Assert.Null(key);
        Assert.Contains("tracking ID is empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_repo_digest_and_a_Kubernetes_imageID_of_the_same_image_meet_on_one_key()
    {
        var fromServer = TrackingKey.Create("127.0.0.1:5000/team/app@" + Sha256);
        var fromDockershim = TrackingKey.Create("docker-pullable://127.0.0.1:5000/team/app@" + Sha256);
        var fromContainerd = TrackingKey.Create("127.0.0.1:5000/team/app:1.0@" + Sha256);
        Assert.Equal(fromServer, fromDockershim);
        Assert.Equal(fromServer, fromContainerd);
    }
}
