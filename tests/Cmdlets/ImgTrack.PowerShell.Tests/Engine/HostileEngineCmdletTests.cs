using System;
using System.IO;
using System.Linq;
using System.Text;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests.Engine;

/// <summary>
/// Get-ImageIdentity through the staged module against the test's own engine (<see cref="FakeEngine"/>) when its answers
/// are hostile, broken or slow, and how its messages point the admin: one bad entry costs that entry, never the run; no
/// engine text reaches a CSV cell or the console unchecked.
/// </summary>
public sealed class HostileEngineCmdletTests
{
    private const string CmdletErrorSuffix = ",ImgTrack.Commands.GetImageIdentityCommand";
    private static readonly string s_one = "sha256:" + new string('1', 64);

    [Fact]
    public void With_TimeoutSec_the_first_contact_may_take_that_long()
    {
        // A busy engine, or socket-activated Podman starting up: 7 s before the first answer, past the 5 s default.
        using var engine = new FakeEngine { FirstAnswerDelay = TimeSpan.FromSeconds(7) };
        engine.Images.Add(FakeEngineTests.Image('1', "team/one:1"));
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity team/one:1 -DockerHost $args[0] -TimeoutSec 30 -WarningAction SilentlyContinue", engine.DockerHost).ThrowIfErrors();

        Assert.Equal(s_one, result.Property(0, "ImageId"));
    }

    [Fact]
    public void A_tag_that_is_no_name_never_reaches_the_CSV_and_is_named_in_a_warning()
    {
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = s_one, RepoTags = new[] { "=HYPERLINK(\"http://x\")", "team/app:1.0" } });
        using var folder = new CsvFolder();
        using var session = new PowerShellSession();

        var result = session.Invoke(
            "Get-ImageIdentity -All -DockerHost $args[0] | Export-Csv -LiteralPath $args[1] -NoTypeInformation",
            engine.DockerHost,
            folder.File("inventory.csv")).ThrowIfErrors();

        var lines = File.ReadAllLines(folder.File("inventory.csv"));
        Assert.StartsWith("\"team/app:1.0\",", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("HYPERLINK", string.Join("\n", lines), StringComparison.Ordinal);
        Assert.Contains(result.Warnings, w => w.Contains("lists the tag '=HYPERLINK(\"http://x\")' for image " + s_one + ", and it is not a valid image reference", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_repo_digest_entry_is_left_out_with_a_warning_and_the_image_keeps_its_identity()
    {
        var good = "registry.example.com/team/app@sha256:" + new string('a', 64);
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = s_one, RepoTags = new[] { "registry.example.com/team/app:1.0" }, RepoDigests = new[] { "registry.example.com/team/app@sha256:beef", good } });
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0]", engine.DockerHost).ThrowIfErrors();

        Assert.Single(result.Output);
        Assert.Equal(good, result.Property(0, "TrackingId"));
        Assert.Equal(good, result.Property(0, "RepoDigests")!.ToString());
        Assert.Contains(result.Warnings, w => w.Contains("lists the repo digest 'registry.example.com/team/app@sha256:beef'", StringComparison.Ordinal) && w.Contains("the image is kept", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tag_that_is_not_UTF8_is_left_out_with_a_warning_and_the_run_goes_on()
    {
        var two = "sha256:" + new string('2', 64);
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = s_one, RepoTags = new[] { "team/one:1" } });
        engine.Images.Add(new FakeImage { Id = two, RepoTags = new[] { "team/two:1" } });
        var body = Encoding.UTF8.GetBytes("{\"Id\":\"" + s_one + "\",\"Os\":\"linux\",\"Architecture\":\"amd64\",\"RepoTags\":[\"team/one:")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\",\"team/one:1\"]}")).ToArray();
        engine.Override = r => r.Path == "/images/" + s_one + "/json" ? new MiniResponse(200, body, ("Content-Type", "application/json")) : null;
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0] -ThrottleLimit 1 -WarningAction Continue", engine.DockerHost).ThrowIfErrors();

        Assert.Equal(2, result.Output.Count);
        Assert.Equal("team/one:1", result.Property(0, "RepoTags")!.ToString());
        Assert.Equal(two, result.Property(1, "ImageId"));
        Assert.Contains(result.Warnings, w => w.Contains("(it is not valid UTF-8): that tag is left out", StringComparison.Ordinal));
    }

    [Fact]
    public void Escape_and_other_control_characters_in_a_name_are_shown_neutralized_in_the_error()
    {
        using var engine = new FakeEngine();
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity \"team/app`e[2J`e]0;owned`a:1`r`nFAKE\" -DockerHost $args[0]", engine.DockerHost);

        var error = Assert.Single(result.Errors);
        Assert.Equal("InvalidImageReference" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
        var message = error.ErrorDetails.Message;
        Assert.DoesNotContain(message, c => c < ' ' || c == '\x7f');
        Assert.Contains("'team/app\\u001B[2J\\u001B]0;owned\\u0007:1\\u000D\\u000AFAKE' is not a valid image reference", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_hex_input_is_a_name_first_then_an_ID_prefix_of_any_length_as_the_docker_CLI_reads_it()
    {
        // Image A is tagged abcdef123456 (and first team/other); image B's ID starts with those digits.
        var a = s_one;
        var b = "sha256:abcdef123456" + new string('0', 52);
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = a, RepoTags = new[] { "team/other:1", "abcdef123456:latest" } });
        engine.Images.Add(new FakeImage { Id = b, RepoTags = new[] { "team/b:1" } });
        using var session = new PowerShellSession();

        var result = session.Invoke("'abcdef123456', 'abcd' | Get-ImageIdentity -DockerHost $args[0] -WarningAction SilentlyContinue", engine.DockerHost).ThrowIfErrors();

        // The name wins, with the name's own parts; four digits find B by its ID prefix, named by its own tag.
        Assert.Equal(a, result.Property(0, "ImageId"));
        Assert.Equal("library/abcdef123456", result.Property(0, "Repository"));
        Assert.Equal(b, result.Property(1, "ImageId"));
        Assert.Equal("abcd", result.Property(1, "Name"));
        Assert.Equal("team/b", result.Property(1, "Repository"));
    }

    [Fact]
    public void An_inspect_by_ID_answered_with_another_image_is_that_input_s_ImageInspectFailed_error()
    {
        var other = "sha256:" + new string('9', 64);
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = s_one, RepoTags = new[] { "team/one:1" } });
        engine.Override = r => r.Path.StartsWith("/images/sha256:", StringComparison.Ordinal)
            ? MiniResponse.Json(200, "{\"Id\":\"" + other + "\",\"RepoTags\":[\"team/other:1\"],\"Os\":\"linux\",\"Architecture\":\"amd64\"}")
            : null;
        using var session = new PowerShellSession();

        var result = session.Invoke("Get-ImageIdentity $args[1] -DockerHost $args[0]", engine.DockerHost, s_one);

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal("ImageInspectFailed" + CmdletErrorSuffix, error.FullyQualifiedErrorId);
        Assert.Contains("the engine answered with image " + other + ", which is another image", error.ErrorDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_no_repo_digest_warning_says_the_engine_records_none_and_points_to_ResolveRepoDigest()
    {
        using var engine = new FakeEngine();
        engine.Images.Add(new FakeImage { Id = s_one, RepoTags = new[] { "registry.example.com/team/loaded:1" } });
        using var session = new PowerShellSession();

        var one = session.Invoke("Get-ImageIdentity registry.example.com/team/loaded:1 -DockerHost $args[0]", engine.DockerHost).ThrowIfErrors();
        var all = session.Invoke("Get-ImageIdentity -All -DockerHost $args[0]", engine.DockerHost).ThrowIfErrors();

        foreach (var warning in new[] { Assert.Single(one.Warnings), Assert.Single(all.Warnings) })
        {
            Assert.Contains("no repo digest in the engine's records", warning, StringComparison.Ordinal);
            Assert.Contains("-ResolveRepoDigest asks the registry for its repo digest", warning, StringComparison.Ordinal);
            Assert.DoesNotContain("never", warning, StringComparison.Ordinal);
        }
    }
}
