using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests.Engine;

/// <summary>
/// Get-ImageIdentity through the staged module against the test's own engine (<see cref="FakeEngine"/>, answers written
/// from the Engine API's documented schema): what no real engine here can show on demand.
/// </summary>
public sealed class FakeEngineTests
{
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";

    [Fact]
    public void An_image_removed_between_the_list_and_its_inspect_is_an_ImageNotFound_error_in_its_place_and_the_run_goes_on()
    {
        using var engine = new FakeEngine();
        engine.Images.Add(Image('1', "team/one:1"));
        engine.Images.Add(Image('2', "team/two:1"));
        engine.Images.Add(Image('3', "team/three:1"));
        engine.RemoveAfterList(engine.Images[1].Id);
        using var session = new PowerShellSession();

        var result = session.Invoke("$h = $args[0]; & { Get-ImageIdentity -All -DockerHost $h -ThrottleLimit 1 } 2>&1", engine.DockerHost);

        Assert.Null(result.TerminatingError);
        Assert.Equal(3, result.Output.Count);
        Assert.Equal("team/one:1", result.Property(0, "Name"));
        var removed = Assert.IsType<ErrorRecord>(result.Output[1].BaseObject);
        Assert.Equal("team/three:1", result.Property(2, "Name"));
        Assert.Equal("ImageNotFound" + CmdletErrorSuffix, removed.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, removed.CategoryInfo.Category);
        Assert.Equal(engine.Images[1].Id, removed.TargetObject);
        Assert.Contains("removed before it could be inspected", removed.ToString(), StringComparison.Ordinal);
        Assert.Contains(engine.DockerHost, removed.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BrokenAnswers() => new()
    {
        // request path, answer kind, what the message must say
        { "/version", "not HTTP", "its answer is not valid HTTP" },
        { "/version", "not JSON", "its answer is not JSON" },
        { "/info", "not HTTP", "its answer is not valid HTTP" },
        { "/images/json", "not HTTP", "its answer is not valid HTTP" },
        { "/images/json", "not JSON", "its answer is not JSON" },
        { "/images/json", "wrong JSON", "its JSON is not what the API documents" },
        { "/images/sha256:" + new string('2', 64) + "/json", "not HTTP", "its answer is not valid HTTP" },
        { "/images/sha256:" + new string('2', 64) + "/json", "not JSON", "its answer is not JSON" },
        { "/images/sha256:" + new string('2', 64) + "/json", "wrong JSON", "the answer has no 'Id'" },
        { "/images/json", "wrong type", "'[1].Size' has the wrong type" },
        { "/images/sha256:" + new string('2', 64) + "/json", "wrong type", "'Size' has the wrong type" },
    };

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public void An_answer_that_is_not_the_engine_API_ends_the_run_with_one_EngineProtocolError_in_plain_words(string path, string kind, string says)
    {
        using var engine = new FakeEngine();
        engine.Images.Add(Image('1', "team/one:1"));
        engine.Images.Add(Image('2', "team/two:1"));
        engine.Images.Add(Image('3', "team/three:1"));
        engine.Override = request => request.Path != path ? null : kind switch
        {
            "not HTTP" => MiniResponse.NotHttp("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"),
            "not JSON" => new MiniResponse(200, System.Text.Encoding.UTF8.GetBytes("<html><body>It works!</body></html>"), ("Content-Type", "text/html")),
            "wrong type" => MiniResponse.Json(200, path == "/images/json"
                ? "[{\"Id\": \"sha256:" + new string('1', 64) + "\", \"Size\": 1}, {\"Id\": \"sha256:" + new string('2', 64) + "\", \"Size\": \"1 KB\"}]"
                : "{\"Id\": \"sha256:" + new string('2', 64) + "\", \"Os\": \"linux\", \"Size\": \"1 KB\"}"),
            _ => MiniResponse.Json(200, path == "/images/json" ? "{\"images\": []}" : "{\"message\": \"hello\"}"),
        };
        using var session = new PowerShellSession();

        var (written, error) = RunToTerminatingError(session, "Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit 1 -WarningAction SilentlyContinue", engine.DockerHost);

        // The message too, when the ID is not the one expected: it says which request failed, and how.
        Assert.True(error.FullyQualifiedErrorId == "EngineProtocolError" + CmdletErrorSuffix, error.FullyQualifiedErrorId + ": " + error.Exception.Message);
        Assert.Equal(ErrorCategory.ProtocolError, error.CategoryInfo.Category);
        var message = error.Exception.Message;
        Assert.Contains(says, message, StringComparison.Ordinal);
        Assert.Contains(engine.DockerHost, message, StringComparison.Ordinal);
        Assert.Contains("'GET " + path + "'", message, StringComparison.Ordinal);
        AssertNoRawExceptionText(message);

        // Objects before the broken answer stay written: the first image when the second's inspect broke.
        Assert.Equal(path.StartsWith("/images/sha256:", StringComparison.Ordinal) ? 1 : 0, written.Count);
    }

    [Fact]
    public void An_engine_s_odd_Created_or_odd_members_ImgTrack_does_not_read_cost_no_image_its_identity()
    {
        using var engine = new FakeEngine();
        engine.Images.Add(Image('1', "team/one:1"));
        engine.Images.Add(Image('2', "team/two:1"));
        var two = "sha256:" + new string('2', 64);
        engine.Override = request => request.Path switch
        {
            // Created null in the list (Docker.DotNet's own converter throws NotImplementedException there), text that is
            // no date in the inspect, and members ImgTrack never reads in shapes no documented engine writes.
            "/images/json" => MiniResponse.Json(200, "[{\"Id\": \"sha256:" + new string('1', 64) + "\", \"RepoTags\": [\"team/one:1\"], \"Created\": null, \"Size\": 1234, \"Labels\": \"odd\"},"
                + " {\"Id\": \"" + two + "\", \"RepoTags\": [\"team/two:1\"], \"Created\": 1767322945, \"Size\": 1234}]"),
            _ when request.Path == "/images/" + two + "/json" => MiniResponse.Json(200, "{\"Id\": \"" + two + "\", \"RepoTags\": [\"team/two:1\"], \"Created\": \"yesterday\","
                + " \"Os\": \"linux\", \"Architecture\": \"amd64\", \"Size\": 1234, \"Config\": {\"Healthcheck\": {\"Interval\": \"30s\"}}, \"RootFS\": \"odd\"}"),
            _ => null,
        };
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit 1 -WarningAction SilentlyContinue", engine.DockerHost).ThrowIfErrors();

        Assert.Equal(2, result.Output.Count);
        Assert.Equal(engine.Images[0].Id, result.Property(0, "ImageId"));
        Assert.NotNull(result.Property(0, "Created"));
        Assert.Equal(two, result.Property(1, "ImageId"));
        Assert.Equal(two, result.Property(1, "TrackingId"));
        Assert.Null(result.Property(1, "Created"));
        Assert.Equal("linux", result.Property(1, "Os"));
    }

    [Theory]
    [InlineData("1.40")]
    [InlineData("1.24")]
    public void An_engine_below_API_1_41_is_one_EngineApiTooOld_error_naming_both_versions(string apiVersion)
    {
        using var engine = new FakeEngine { ApiVersion = apiVersion, EngineVersion = "19.03.15" };
        engine.Images.Add(Image('1', "team/one:1"));
        using var session = new PowerShellSession();

        var (written, error) = RunToTerminatingError(session, "'team/one:1' | Get-ImageIdentity -DockerHost $args[0]", engine.DockerHost);

        Assert.Equal("EngineApiTooOld" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotImplemented, error.CategoryInfo.Category);
        Assert.Contains("API " + apiVersion, error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("API 1.41 or later", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(written);
        Assert.DoesNotContain(engine.Requests, r => r.Path.StartsWith("/images/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.41")]
    [InlineData("1.52")]
    public void An_engine_at_API_1_41_or_later_is_read(string apiVersion)
    {
        using var engine = new FakeEngine { ApiVersion = apiVersion };
        engine.Images.Add(Image('1', "team/one:1"));
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity team/one:1 -DockerHost $args[0] -WarningAction SilentlyContinue", engine.DockerHost).ThrowIfErrors();

        Assert.Equal(engine.Images[0].Id, result.Property(0, "ImageId"));
        Assert.Equal("Config", result.Property(0, "ImageIdKind"));
        Assert.Equal(engine.Images[0].Id, result.Property(0, "ConfigDigest"));
    }

    [Fact]
    public void On_the_containerd_image_store_the_image_ID_is_reported_as_a_manifest_or_index_digest_with_the_platform_manifest()
    {
        const string OciIndex = "application/vnd.oci.image.index.v1+json";
        const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
        var index = "sha256:" + new string('a', 64);
        var amd64 = "sha256:" + new string('b', 64);
        var arm64 = "sha256:" + new string('c', 64);
        var attestation = "sha256:" + new string('d', 64);
        var single = "sha256:" + new string('e', 64);
        using var engine = new FakeEngine { ApiVersion = "1.48", EngineVersion = "28.0.1", ContainerdStore = true };
        engine.Images.Add(new FakeImage
        {
            Id = index,
            RepoTags = new[] { "team/multi:1" },
            RepoDigests = new[] { "registry.example.com/team/multi@" + index },
            Descriptor = new FakeDescriptor(OciIndex, index, 856),
            Manifests = new[]
            {
                new FakeManifest(new FakeDescriptor(OciManifest, amd64, 1201, "linux", "amd64"), "image", Available: true, "linux", "amd64"),
                new FakeManifest(new FakeDescriptor(OciManifest, arm64, 1201, "linux", "arm64", "v8"), "image", Available: false, "linux", "arm64", "v8"),
                new FakeManifest(new FakeDescriptor(OciManifest, attestation, 566, "unknown", "unknown"), "attestation", Available: true, AttestationFor: amd64),
            },
        });
        engine.Images.Add(new FakeImage
        {
            Id = single,
            RepoTags = new[] { "team/single:1" },
            Descriptor = new FakeDescriptor(OciManifest, single, 1201),
            Manifests = new[] { new FakeManifest(new FakeDescriptor(OciManifest, single, 1201, "linux", "amd64"), "image", Available: true, "linux", "amd64") },
        });
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit 1 -WarningAction SilentlyContinue -Verbose", engine.DockerHost).ThrowIfErrors();

        Assert.Equal(2, result.Output.Count);
        Assert.Equal(index, result.Property(0, "ImageId"));
        Assert.Equal("Index", result.Property(0, "ImageIdKind"));
        Assert.Equal(OciIndex, result.Property(0, "MediaType"));
        Assert.Equal(amd64, result.Property(0, "ManifestDigest"));
        Assert.Null(result.Property(0, "ConfigDigest")); // the documented API gives no config digest there
        Assert.Equal("linux/amd64", result.Property(0, "Platform"));
        Assert.Equal("registry.example.com/team/multi@" + index, result.Property(0, "TrackingId"));
        Assert.Equal(single, result.Property(1, "ImageId"));
        Assert.Equal("Manifest", result.Property(1, "ImageIdKind"));
        Assert.Equal(OciManifest, result.Property(1, "MediaType"));
        Assert.Equal(single, result.Property(1, "ManifestDigest"));
        Assert.Null(result.Property(1, "ConfigDigest"));
        Assert.Contains(result.Verbose, v => v.Contains("containerd image store", StringComparison.Ordinal));
        Assert.All(
            engine.Requests.Where(r => r.Path.StartsWith("/images/sha256", StringComparison.Ordinal)),
            r => Assert.EndsWith("/json?manifests=1", r.Target, StringComparison.Ordinal));
    }

    [Fact]
    public void Before_API_1_48_a_containerd_store_index_is_still_reported_as_an_index_without_its_platform_manifest()
    {
        var index = "sha256:" + new string('a', 64);
        using var engine = new FakeEngine { ApiVersion = "1.47", ContainerdStore = true };
        engine.Images.Add(new FakeImage
        {
            Id = index,
            RepoTags = new[] { "team/multi:1" },
            Descriptor = new FakeDescriptor("application/vnd.docker.distribution.manifest.list.v2+json", index, 856),
            Manifests = new[] { new FakeManifest(new FakeDescriptor("application/vnd.docker.distribution.manifest.v2+json", "sha256:" + new string('b', 64), 1201), "image", Available: true, "linux", "amd64") },
        });
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity team/multi:1 -DockerHost $args[0] -WarningAction SilentlyContinue", engine.DockerHost).ThrowIfErrors();

        Assert.Equal("Index", result.Property(0, "ImageIdKind"));
        Assert.Null(result.Property(0, "ManifestDigest"));
        Assert.Null(result.Property(0, "ConfigDigest"));
        Assert.DoesNotContain(engine.Requests, r => r.Target.Contains("manifests=", StringComparison.Ordinal));
    }

    /// <summary>Runs a pipeline that must end with a terminating error; returns what it wrote before, and the error.
    /// try/catch sees only terminating errors: a non-terminating one would not reach the catch.</summary>
    internal static (List<PSObject> Written, ErrorRecord Error) RunToTerminatingError(PowerShellSession session, string pipeline, params object?[] args)
    {
        var result = session.Invoke("try { " + pipeline + " } catch { 'caught'; $_ }", args);
        Assert.Empty(result.Errors);
        var caught = result.Output.ToList().FindIndex(o => "caught".Equals(o.BaseObject));
        Assert.True(caught >= 0, "the pipeline ended without a terminating error");
        Assert.Equal(caught + 2, result.Output.Count);
        return (result.Output.Take(caught).ToList(), Assert.IsType<ErrorRecord>(result.Output[caught + 1].BaseObject));
    }

    private static void AssertNoRawExceptionText(string message)
    {
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.DoesNotContain("status line", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("'<' is an invalid", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("SSH-2.0", message, StringComparison.Ordinal);
    }

    internal static FakeImage Image(char fill, string tag) => new()
    {
        Id = "sha256:" + new string(fill, 64),
        RepoTags = new[] { tag },
    };
}
