using System;
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

    internal static FakeImage Image(char fill, string tag) => new()
    {
        Id = "sha256:" + new string(fill, 64),
        RepoTags = new[] { tag },
    };
}
