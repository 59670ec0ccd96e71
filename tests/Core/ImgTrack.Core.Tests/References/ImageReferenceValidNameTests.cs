using Xunit;

namespace ImgTrack.Core.Tests.References;

/// <summary>
/// Names Docker's <c>ParseNormalizedNamed</c> (distribution/reference v0.6.0) accepts, with every part as Docker
/// normalizes it. Expectations are worked out from the grammar and from splitDockerDomain/familiarizeName, not
/// from our parser's output.
/// </summary>
public sealed class ImageReferenceValidNameTests
{
    internal const string Hex64 = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
    internal const string Sha256 = "sha256:" + Hex64;
    internal const string Sha384 = "sha384:" + Hex64 + "0123456789abcdef0123456789abcdef";
    internal const string Sha512 = "sha512:" + Hex64 + Hex64;

    /// <summary>One expected parse: every public part of the result.</summary>
    public sealed record Expected(
        string Name,
        string Registry,
        string RegistryHost,
        int? Port,
        string Repository,
        string? Tag,
        string? Digest,
        string FamiliarName,
        string Reference)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Expected> Names => new()
    {
        // Docker Hub: familiar names get docker.io and, for a single component, library/.
        new("nginx", "docker.io", "docker.io", null, "library/nginx", "latest", null, "nginx", "docker.io/library/nginx:latest"),
        new("nginx:1.25", "docker.io", "docker.io", null, "library/nginx", "1.25", null, "nginx", "docker.io/library/nginx:1.25"),
        new("team/app", "docker.io", "docker.io", null, "team/app", "latest", null, "team/app", "docker.io/team/app:latest"),
        new("library/foo", "docker.io", "docker.io", null, "library/foo", "latest", null, "foo", "docker.io/library/foo:latest"),
        new("docker.io/foo", "docker.io", "docker.io", null, "library/foo", "latest", null, "foo", "docker.io/library/foo:latest"),
        new("docker.io/library/nginx:latest", "docker.io", "docker.io", null, "library/nginx", "latest", null, "nginx", "docker.io/library/nginx:latest"),
        new("index.docker.io/foo", "docker.io", "docker.io", null, "library/foo", "latest", null, "foo", "docker.io/library/foo:latest"),
        new("index.docker.io/team/app:v1", "docker.io", "docker.io", null, "team/app", "v1", null, "team/app", "docker.io/team/app:v1"),
        // library/ is dropped from the familiar name only when nothing else follows.
        new("docker.io/library/foo/bar", "docker.io", "docker.io", null, "library/foo/bar", "latest", null, "library/foo/bar", "docker.io/library/foo/bar:latest"),
        new("other/library", "docker.io", "docker.io", null, "other/library", "latest", null, "other/library", "docker.io/other/library:latest"),
        new("a/b/c/d/e/f:tag", "docker.io", "docker.io", null, "a/b/c/d/e/f", "tag", null, "a/b/c/d/e/f", "docker.io/a/b/c/d/e/f:tag"),
        // A name alone (no '/') is never a host: these are Docker Hub official images.
        new("localhost", "docker.io", "docker.io", null, "library/localhost", "latest", null, "localhost", "docker.io/library/localhost:latest"),
        new("localhost:5000", "docker.io", "docker.io", null, "library/localhost", "5000", null, "localhost", "docker.io/library/localhost:5000"),
        new("docker.io", "docker.io", "docker.io", null, "library/docker.io", "latest", null, "docker.io", "docker.io/library/docker.io:latest"),
        new("192.168.0.1:80", "docker.io", "docker.io", null, "library/192.168.0.1", "80", null, "192.168.0.1", "docker.io/library/192.168.0.1:80"),
        new(Sha256, "docker.io", "docker.io", null, "library/sha256", Hex64, null, "sha256", "docker.io/library/sha256:" + Hex64),
        // Only exactly 64 lowercase hex is an ID; 65 is a name, and so is 64 hex after a host.
        new(Hex64 + "a", "docker.io", "docker.io", null, "library/" + Hex64 + "a", "latest", null, Hex64 + "a", "docker.io/library/" + Hex64 + "a:latest"),
        new("docker.io/" + Hex64, "docker.io", "docker.io", null, "library/" + Hex64, "latest", null, Hex64, "docker.io/library/" + Hex64 + ":latest"),
        // Registry hosts: localhost, anything with '.' or ':', anything with an uppercase letter.
        new("localhost/app", "localhost", "localhost", null, "app", "latest", null, "localhost/app", "localhost/app:latest"),
        new("localhost:5000/app", "localhost:5000", "localhost", 5000, "app", "latest", null, "localhost:5000/app", "localhost:5000/app:latest"),
        new("LOCALHOST/x", "LOCALHOST", "LOCALHOST", null, "x", "latest", null, "LOCALHOST/x", "LOCALHOST/x:latest"),
        new("Foo/bar", "Foo", "Foo", null, "bar", "latest", null, "Foo/bar", "Foo/bar:latest"),
        new("Docker.io/foo", "Docker.io", "Docker.io", null, "foo", "latest", null, "Docker.io/foo", "Docker.io/foo:latest"),
        new("docker.io:443/foo", "docker.io:443", "docker.io", 443, "foo", "latest", null, "docker.io:443/foo", "docker.io:443/foo:latest"),
        new("a.b.c:5000/team/app:1.0", "a.b.c:5000", "a.b.c", 5000, "team/app", "1.0", null, "a.b.c:5000/team/app", "a.b.c:5000/team/app:1.0"),
        new("test-com:8080/foo", "test-com:8080", "test-com", 8080, "foo", "latest", null, "test-com:8080/foo", "test-com:8080/foo:latest"),
        new("xn--n3h.com/foo", "xn--n3h.com", "xn--n3h.com", null, "foo", "latest", null, "xn--n3h.com/foo", "xn--n3h.com/foo:latest"),
        new("1.2.3.4.5/app", "1.2.3.4.5", "1.2.3.4.5", null, "app", "latest", null, "1.2.3.4.5/app", "1.2.3.4.5/app:latest"),
        new("a-b--c.example/app", "a-b--c.example", "a-b--c.example", null, "app", "latest", null, "a-b--c.example/app", "a-b--c.example/app:latest"),
        new("127.0.0.1:5000/team/app@" + Sha256, "127.0.0.1:5000", "127.0.0.1", 5000, "team/app", null, Sha256, "127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app@" + Sha256),
        // IPv6 literals keep their brackets.
        new("[::1]:5000/app", "[::1]:5000", "[::1]", 5000, "app", "latest", null, "[::1]:5000/app", "[::1]:5000/app:latest"),
        new("[fc00:1:2:3:4:5:6:7]/debian", "[fc00:1:2:3:4:5:6:7]", "[fc00:1:2:3:4:5:6:7]", null, "debian", "latest", null, "[fc00:1:2:3:4:5:6:7]/debian", "[fc00:1:2:3:4:5:6:7]/debian:latest"),
        new("[FE80::1]/x", "[FE80::1]", "[FE80::1]", null, "x", "latest", null, "[FE80::1]/x", "[FE80::1]/x:latest"),
        // Port: any digits are valid; Port is set only for 1-65535.
        new("example.com:1/app", "example.com:1", "example.com", 1, "app", "latest", null, "example.com:1/app", "example.com:1/app:latest"),
        new("example.com:65535/app", "example.com:65535", "example.com", 65535, "app", "latest", null, "example.com:65535/app", "example.com:65535/app:latest"),
        new("example.com:0/app", "example.com:0", "example.com", null, "app", "latest", null, "example.com:0/app", "example.com:0/app:latest"),
        new("example.com:65536/app", "example.com:65536", "example.com", null, "app", "latest", null, "example.com:65536/app", "example.com:65536/app:latest"),
        new("example.com:99999/app", "example.com:99999", "example.com", null, "app", "latest", null, "example.com:99999/app", "example.com:99999/app:latest"),
        new("example.com:123456789012345678901234567890/app", "example.com:123456789012345678901234567890", "example.com", null, "app", "latest", null, "example.com:123456789012345678901234567890/app", "example.com:123456789012345678901234567890/app:latest"),
        // A first component with '_' but no '.', ':' or uppercase is a Docker Hub path, not a host.
        new("my_registry/app", "docker.io", "docker.io", null, "my_registry/app", "latest", null, "my_registry/app", "docker.io/my_registry/app:latest"),
        // Separators: one '.', one or two '_', any number of '-'.
        new("a__b", "docker.io", "docker.io", null, "library/a__b", "latest", null, "a__b", "docker.io/library/a__b:latest"),
        new("a--b", "docker.io", "docker.io", null, "library/a--b", "latest", null, "a--b", "docker.io/library/a--b:latest"),
        new("a----b/c_d.e", "docker.io", "docker.io", null, "a----b/c_d.e", "latest", null, "a----b/c_d.e", "docker.io/a----b/c_d.e:latest"),
        new("dock__er/docker", "docker.io", "docker.io", null, "dock__er/docker", "latest", null, "dock__er/docker", "docker.io/dock__er/docker:latest"),
        new("0/1", "docker.io", "docker.io", null, "0/1", "latest", null, "0/1", "docker.io/0/1:latest"),
        // Tags: ASCII word characters, then also '.' and '-'.
        new("foo:_tag", "docker.io", "docker.io", null, "library/foo", "_tag", null, "foo", "docker.io/library/foo:_tag"),
        new("foo:A.b-C_9", "docker.io", "docker.io", null, "library/foo", "A.b-C_9", null, "foo", "docker.io/library/foo:A.b-C_9"),
        // Digests: sha256, sha384, sha512; a tag and a digest together keep both.
        new("nginx@" + Sha256, "docker.io", "docker.io", null, "library/nginx", null, Sha256, "nginx", "docker.io/library/nginx@" + Sha256),
        new("nginx:1.0@" + Sha256, "docker.io", "docker.io", null, "library/nginx", "1.0", Sha256, "nginx", "docker.io/library/nginx:1.0@" + Sha256),
        new("nginx@" + Sha384, "docker.io", "docker.io", null, "library/nginx", null, Sha384, "nginx", "docker.io/library/nginx@" + Sha384),
        new("nginx@" + Sha512, "docker.io", "docker.io", null, "library/nginx", null, Sha512, "nginx", "docker.io/library/nginx@" + Sha512),
        new("ghcr.io/org/app:v2@" + Sha256, "ghcr.io", "ghcr.io", null, "org/app", "v2", Sha256, "ghcr.io/org/app", "ghcr.io/org/app:v2@" + Sha256),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Parse_reads_every_part_as_Docker_does(Expected expected)
    {
        var reference = ImageReference.Parse(expected.Name);

        Assert.Equal(expected.Name, reference.Original);
        Assert.Equal(expected.Registry, reference.Registry);
        Assert.Equal(expected.RegistryHost, reference.RegistryHost);
        Assert.Equal(expected.Port, reference.Port);
        Assert.Equal(expected.Repository, reference.Repository);
        Assert.Equal(expected.Tag, reference.Tag);
        Assert.Equal(expected.Digest, reference.Digest);
        Assert.Equal(expected.Registry + "/" + expected.Repository, reference.FullName);
        Assert.Equal(expected.FamiliarName, reference.FamiliarName);
        Assert.Equal(expected.Reference, reference.Reference);
        Assert.Equal(expected.Reference, reference.ToString());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TryParse_accepts_what_Parse_accepts(Expected expected)
    {
        Assert.True(ImageReference.TryParse(expected.Name, out var reference));
        Assert.Equal(expected.Reference, reference.Reference);
        Assert.True(ImageReference.TryParse(expected.Name, out _, out var error));
        Assert.Null(error);
    }
}
