using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using ImgTrack.Engine;
using ImgTrack.Identity;
using Xunit;

namespace ImgTrack.NetFramework.Tests;

/// <summary>
/// The core's rules on the .NET Framework runtime, from the staged netstandard2.0 build: Docker's reference grammar,
/// the tracking key of every Kubernetes <c>imageID</c> form, and the identity built from an image's facts. The same
/// cases the .NET tests check, chosen where the runtimes differ (string, span and culture code, resource lookup).
/// </summary>
public sealed class CoreTests
{
    private const string Hex64 = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
    private const string Sha256 = "sha256:" + Hex64;
    private const string NginxKey = "docker.io/library/nginx@" + Sha256;

    public static TheoryData<string, string, string, string, string?, string> ValidNames => new()
    {
        // name, registry, repository, tag, port, reference
        { "nginx", "docker.io", "library/nginx", "latest", null, "docker.io/library/nginx:latest" },
        { "team/app:2.0", "docker.io", "team/app", "2.0", null, "docker.io/team/app:2.0" },
        { "localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", "5000", "localhost:5000/team/app:1.0" },
        { "127.0.0.1:5000/a/b/c", "127.0.0.1:5000", "a/b/c", "latest", "5000", "127.0.0.1:5000/a/b/c:latest" },
        { "[::1]:5000/app:v1", "[::1]:5000", "app", "v1", "5000", "[::1]:5000/app:v1" },
        { "index.docker.io/library/nginx", "docker.io", "library/nginx", "latest", null, "docker.io/library/nginx:latest" },
        { "nginx@" + Sha256, "docker.io", "library/nginx", "", null, "docker.io/library/nginx@" + Sha256 },
        { "nginx:1.25@" + Sha256, "docker.io", "library/nginx", "1.25", null, "docker.io/library/nginx:1.25@" + Sha256 },
    };

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void A_valid_name_is_read_as_Docker_reads_it(string name, string registry, string repository, string tag, string? port, string reference)
    {
        var parsed = ImageReference.Parse(name);
        Assert.Equal(registry, parsed.Registry);
        Assert.Equal(repository, parsed.Repository);
        Assert.Equal(tag, parsed.Tag ?? string.Empty);
        Assert.Equal(port, parsed.Port?.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(reference, parsed.Reference);
    }

    public static TheoryData<string, string> InvalidNames => new()
    {
        // name, the rule the message names (from the core's resources)
        { "", "image name is empty" },
        { "Not Valid", "repository path 'Not Valid' must be lowercase" },
        { "my_registry.io/app", "registry host 'my_registry.io' must not contain '_'" },
        { "Ärger.example/app", "registry host 'Ärger.example' must contain only letters, digits, '-' and '.' (found 'Ä')" },
        { "example.com:abc/app", "registry port 'abc' must be digits" },
        { "a___b", "repository path component 'a___b' has separator '___'; a separator is one '.', one or two '_', or one or more '-'" },
        { Hex64, $"image name '{Hex64}' is 64 hex characters, which Docker reads as an image ID, not a name" },
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void An_invalid_name_is_refused_with_the_rule_it_broke(string name, string rule)
    {
        Assert.False(ImageReference.TryParse(name, out var reference, out var error));
        Assert.Null(reference);
        Assert.Contains(rule, error, StringComparison.Ordinal);
        var thrown = Assert.ThrowsAny<FormatException>(() => ImageReference.Parse(name));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void A_name_of_a_megabyte_is_refused_without_running_out_of_stack()
    {
        var name = new string('a', 1 << 20);
        Assert.False(ImageReference.TryParse(name, out _, out var error));
        Assert.NotEmpty(error);
    }

    public static TheoryData<string, string> TrackingIds => new()
    {
        // id, key
        { "docker-pullable://nginx@" + Sha256, NginxKey },
        { "docker://" + Sha256, Sha256 },
        { "docker.io/library/nginx@" + Sha256, NginxKey },
        { "index.docker.io/library/nginx@" + Sha256, NginxKey },
        { "nginx:1.25@" + Sha256, NginxKey },
        { "docker-pullable://127.0.0.1:5000/team/app@" + Sha256, "127.0.0.1:5000/team/app@" + Sha256 },
        { Hex64, Sha256 },
        { "nginx@sha512:" + Hex64 + Hex64, "docker.io/library/nginx@sha512:" + Hex64 + Hex64 },
    };

    [Theory]
    [MemberData(nameof(TrackingIds))]
    public void Every_imageID_form_becomes_the_one_tracking_key(string id, string key) =>
        Assert.Equal(key, TrackingKey.Create(id));

    [Theory]
    [InlineData("nginx:1.25", "'nginx:1.25' names an image but has no digest")]
    [InlineData("nginx@sha256:abc", "digest 'sha256:abc' must have 64 hex characters")]
    [InlineData("docker://", "tracking ID is empty after 'docker://'")]
    public void A_string_that_is_no_tracking_ID_is_refused_with_the_reason(string id, string reason)
    {
        Assert.False(TrackingKey.TryCreate(id, out var key, out var error));
        Assert.Null(key);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    [InlineData("ar-SA")]
    [InlineData("th-TH")]
    public void An_identity_tracks_its_repo_digest_with_invariant_dates_in_every_culture(string culture)
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new CultureInfo(culture);
        try
        {
            var facts = new ImageFacts(
                Sha256,
                new[] { "127.0.0.1:5000/team/app:1.0", "other/app:2.0" },
                new[] { "other/app@sha256:" + new string('1', 64), "127.0.0.1:5000/team/app@" + Sha256 },
                new UtcTimestamp(new DateTime(2022, 11, 17, 1, 39, 26, DateTimeKind.Utc).AddTicks(52951)),
                "linux",
                "arm64",
                "v8",
                193805498);
            var collectedAt = new UtcTimestamp(new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc));

            var identity = ImageIdentityBuilder.ForName("127.0.0.1:5000/team/app:1.0", ImageReference.Parse("127.0.0.1:5000/team/app:1.0"), facts, "build01", collectedAt);

            // The repo digest of the name's own repository, not the first one listed.
            Assert.Equal("127.0.0.1:5000/team/app@" + Sha256, identity.RepoDigest);
            Assert.Equal(identity.RepoDigest, identity.TrackingId);
            Assert.Equal("RepoDigest", identity.TrackingIdSource);
            Assert.Equal("127.0.0.1:5000/team/app@" + Sha256, identity.TrackingKey);
            Assert.Equal("2022-11-17T01:39:26.0052951Z", identity.Created);
            Assert.Equal("2026-11-23T12:00:00.0000000Z", identity.CollectedAt);
            Assert.Equal("linux/arm64/v8", identity.Platform);
            Assert.Equal("other/app@sha256:" + new string('1', 64) + ";127.0.0.1:5000/team/app@" + Sha256, identity.RepoDigests.ToString());
            Assert.Equal("build01", identity.ComputerName);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }

    [Fact]
    public void A_never_pushed_image_tracks_by_its_image_ID()
    {
        var facts = new ImageFacts(Sha256, new[] { "solo:latest" }, Array.Empty<string>(), null, "linux", "amd64", null, 1024);

        var identity = ImageIdentityBuilder.ForImage(null, facts, null, new UtcTimestamp(DateTime.UtcNow));

        Assert.Equal("solo:latest", identity.Name);
        Assert.Equal("docker.io/library/solo:latest", identity.Reference);
        Assert.Null(identity.RepoDigest);
        Assert.Equal(Sha256, identity.TrackingId);
        Assert.Equal("ImageId", identity.TrackingIdSource);
        Assert.Equal(Sha256, identity.TrackingKey);
        Assert.Null(identity.Created);
    }

    [Fact]
    public void The_docker_CLIs_current_context_names_the_engine()
    {
        var endpoint = ResolveContext("build-server", "unix:///run/build/docker.sock");

        Assert.Equal("unix:///run/build/docker.sock", endpoint.Address.OriginalString);
        Assert.Contains("build-server", endpoint.Source, StringComparison.Ordinal);
        Assert.Null(endpoint.Tls);
    }

    /// <summary>Resolves the endpoint from a docker CLI config folder whose <c>config.json</c> names the context
    /// <paramref name="name"/>, whose <c>meta.json</c> (under the SHA-256 of the name, as the CLI keeps it) says
    /// <paramref name="host"/>: both files are read with the module's System.Text.Json.</summary>
    internal static EngineEndpoint ResolveContext(string name, string host)
    {
        var config = Path.Combine(Path.GetTempPath(), "itnf-" + Guid.NewGuid().ToString("N"));
        try
        {
            string id;
            using (var sha = SHA256.Create())
            {
                id = BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(name))).Replace("-", string.Empty).ToLowerInvariant();
            }

            var meta = Path.Combine(config, "contexts", "meta", id);
            Directory.CreateDirectory(meta);
            File.WriteAllText(Path.Combine(config, "config.json"), "{\"currentContext\": \"" + name + "\"}");
            File.WriteAllText(Path.Combine(meta, "meta.json"), "{\"Name\":\"" + name + "\",\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
            var environment = new EngineEnvironment(variable => variable == "DOCKER_CONFIG" ? config : null, config, isWindows: false);

            return EndpointResolver.Resolve(null, environment);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }
}
