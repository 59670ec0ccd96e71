using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>ConvertTo-TrackingKey in a real runspace: the Kubernetes imageID forms, pipeline binding and errors.</summary>
public sealed class TrackingKeyCmdletTests
{
    private const string Digest = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
    private const string NginxKey = "docker.io/library/nginx@" + Digest;

    [Theory]
    [InlineData("docker-pullable://nginx@" + Digest, NginxKey)]
    [InlineData("docker.io/library/nginx@" + Digest, NginxKey)]
    [InlineData("nginx:1.25@" + Digest, NginxKey)]
    [InlineData("docker://" + Digest, Digest)]
    [InlineData(Digest, Digest)]
    [InlineData("dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c", Digest)]
    [InlineData("127.0.0.1:5000/team/app@" + Digest, "127.0.0.1:5000/team/app@" + Digest)]
    public void ConvertTo_TrackingKey_turns_each_form_into_the_key(string id, string key)
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("ConvertTo-TrackingKey -Id $args[0]", id).ThrowIfErrors();
        Assert.Equal(key, Assert.Single(result.BaseObjects));
    }

    [Fact]
    public void ConvertTo_TrackingKey_binds_a_Kubernetes_export_by_its_imageID_column()
    {
        // Rows shaped as Import-Csv (or kubectl's JSON through ConvertFrom-Json) makes them: an imageID property.
        using var session = new PowerShellSession();
        var result = session.Invoke(
            "[pscustomobject]@{ pod = 'web'; imageID = $args[0] }, [pscustomobject]@{ pod = 'api'; imageID = $args[1] }, [pscustomobject]@{ pod = 'job'; imageID = $args[2] } | ConvertTo-TrackingKey",
            "docker-pullable://nginx@" + Digest,
            "docker.io/library/nginx@" + Digest,
            "docker://" + Digest).ThrowIfErrors();
        Assert.Equal(new object[] { NginxKey, NginxKey, Digest }, result.BaseObjects.ToArray());
    }

    [Fact]
    public void ConvertTo_TrackingKey_binds_by_value_and_by_property_name_Id()
    {
        using var session = new PowerShellSession();
        var byValue = session.Invoke("$args[0], $args[1] | ConvertTo-TrackingKey", "nginx@" + Digest, Digest).ThrowIfErrors();
        var byProperty = session.Invoke("[pscustomobject]@{ Id = $args[0] } | ConvertTo-TrackingKey", "nginx@" + Digest).ThrowIfErrors();
        Assert.Equal(new object[] { NginxKey, Digest }, byValue.BaseObjects.ToArray());
        Assert.Equal(NginxKey, Assert.Single(byProperty.BaseObjects));
    }

    [Fact]
    public void ConvertTo_TrackingKey_writes_InvalidTrackingId_for_each_bad_string_and_keeps_going()
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("$args[0], 'nginx:1.25', $null, $args[1] | ConvertTo-TrackingKey", "nginx@" + Digest, Digest);

        Assert.Equal(new object[] { NginxKey, Digest }, result.BaseObjects.ToArray());
        Assert.Equal(2, result.Errors.Count);
        Assert.Null(result.Errors[1].TargetObject);
        var error = result.Errors[0];
        Assert.Equal("InvalidTrackingId,ImgTrack.Commands.ConvertToTrackingKeyCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("nginx:1.25", error.TargetObject);
        Assert.Contains("is not a repo digest (name@sha256:<64 hex>), an image ID (sha256:<64 hex>)", error.ToString(), System.StringComparison.Ordinal);
        Assert.Contains("'nginx:1.25' names an image but has no digest", error.ToString(), System.StringComparison.Ordinal);
    }
}
