using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// ConvertTo-ImageReference and Test-ImageReference in a real runspace, imported from the staged module as a script
/// would: pipeline binding, property order, error records, and bad items that never stop the pipeline.
/// </summary>
public sealed class ReferenceCmdletTests
{
    private const string Digest = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
    private const string InvalidImageReferenceId = "InvalidImageReference,ImgTrack.Commands.ConvertToImageReferenceCommand";

    [Fact]
    public void ConvertTo_ImageReference_writes_every_part_in_the_contract_order()
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("ConvertTo-ImageReference -Name $args[0]", "127.0.0.1:5000/team/app:1.0@" + Digest).ThrowIfErrors();

        var output = Assert.Single(result.Output);
        Assert.Equal("ImgTrack.ImageReference", output.BaseObject.GetType().FullName);
        Assert.Equal(
            new[] { "Original", "Registry", "RegistryHost", "Port", "Repository", "Tag", "Digest", "FullName", "FamiliarName", "Reference" },
            output.Properties.Select(p => p.Name).ToArray());
        Assert.Equal("127.0.0.1:5000", result.Property(0, "Registry"));
        Assert.Equal("127.0.0.1", result.Property(0, "RegistryHost"));
        Assert.Equal(5000, result.Property(0, "Port"));
        Assert.Equal("team/app", result.Property(0, "Repository"));
        Assert.Equal("1.0", result.Property(0, "Tag"));
        Assert.Equal(Digest, result.Property(0, "Digest"));
        Assert.Equal("127.0.0.1:5000/team/app", result.Property(0, "FamiliarName"));
        Assert.Equal("127.0.0.1:5000/team/app:1.0@" + Digest, result.Property(0, "Reference"));
    }

    public static TheoryData<string, string> Bindings => new()
    {
        // how the names arrive, script
        { "by value", "'nginx', 'team/app:2' | ConvertTo-ImageReference" },
        { "by position, as an array", "ConvertTo-ImageReference 'nginx', 'team/app:2'" },
        { "by property name Name", "[pscustomobject]@{ Name = 'nginx' }, [pscustomobject]@{ Name = 'team/app:2' } | ConvertTo-ImageReference" },
        // Import-Csv rows are objects with string note properties named by the header: an Image column binds by alias.
        { "by property name Image, as Import-Csv rows", "[pscustomobject]@{ Host = 'web1'; Image = 'nginx' }, [pscustomobject]@{ Host = 'web2'; Image = 'team/app:2' } | ConvertTo-ImageReference" },
        { "by property name ImageName", "[pscustomobject]@{ ImageName = 'nginx' }, [pscustomobject]@{ ImageName = 'team/app:2' } | ConvertTo-ImageReference" },
    };

    [Theory]
    [MemberData(nameof(Bindings))]
    public void ConvertTo_ImageReference_binds_names_from_the_pipeline(string how, string script)
    {
        using var session = new PowerShellSession();
        var result = session.Invoke(script).ThrowIfErrors();

        Assert.True(result.Output.Count == 2, how);
        Assert.Equal("docker.io/library/nginx:latest", result.Property(0, "Reference"));
        Assert.Equal("docker.io/team/app:2", result.Property(1, "Reference"));
    }

    [Fact]
    public void ConvertTo_ImageReference_writes_one_error_per_bad_name_and_keeps_going_in_order()
    {
        using var session = new PowerShellSession();
        var result = session.Invoke(
            "'nginx', 'Nginx', 'team/app', '', $null, 'my_registry.io/app', 'localhost:5000/app' | ConvertTo-ImageReference 2>&1 | " +
            "ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { 'error: ' + $_.TargetObject } else { 'ok: ' + $_.Original } }");

        Assert.Null(result.TerminatingError);
        Assert.Equal(
            new object[] { "ok: nginx", "error: Nginx", "ok: team/app", "error: ", "error: ", "error: my_registry.io/app", "ok: localhost:5000/app" },
            result.BaseObjects.ToArray());
    }

    public static TheoryData<string, string> BadNames => new()
    {
        { "Nginx", "repository path 'Nginx' must be lowercase" },
        { "nginx:" + new string('x', 129), "tag must be at most 128 characters (got 129)" },
        { "nginx@sha256:abc", "digest 'sha256:abc' must have 64 hex characters" },
        { "my_registry.io/app", "registry host 'my_registry.io' must not contain '_'" },
        { "", "image name is empty" },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void ConvertTo_ImageReference_error_has_a_stable_id_the_input_as_target_and_the_rule_as_message(string name, string message)
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("$args[0] | ConvertTo-ImageReference", name);

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal(InvalidImageReferenceId, error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(name, error.TargetObject);
        Assert.Equal(message, error.ToString());
        Assert.Equal(message, error.Exception.Message);
        Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction));
    }

    [Fact]
    public void ConvertTo_ImageReference_error_stops_the_pipeline_only_when_the_caller_asks()
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("'Nginx', 'nginx' | ConvertTo-ImageReference -ErrorAction Stop");

        Assert.NotNull(result.TerminatingError);
        Assert.Equal(InvalidImageReferenceId, result.TerminatingError!.FullyQualifiedErrorId);
    }

    public static TheoryData<string, bool> Tests => new()
    {
        { "nginx", true },
        { "localhost:5000/team/app:1.0", true },
        { "my_registry/app", true },
        { "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c", true },
        { "Nginx", false },
        { "my_registry.io/app", false },
        { "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c", false },
        { "", false },
        { " ", false },
    };

    [Theory]
    [MemberData(nameof(Tests))]
    public void Test_ImageReference_answers_true_or_false_and_never_writes_an_error(string name, bool valid)
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("Test-ImageReference -Name $args[0]", name).ThrowIfErrors();
        Assert.Equal(valid, Assert.Single(result.BaseObjects));
    }

    [Fact]
    public void Test_ImageReference_takes_names_from_the_pipeline_by_value_and_by_property_name()
    {
        using var session = new PowerShellSession();
        var byValue = session.Invoke("'nginx', 'Nginx', $null, 'team/app' | Test-ImageReference").ThrowIfErrors();
        var byProperty = session.Invoke("[pscustomobject]@{ Name = 'nginx' }, [pscustomobject]@{ Image = 'Nginx' } | Test-ImageReference").ThrowIfErrors();

        Assert.Equal(new object[] { true, false, false, true }, byValue.BaseObjects.ToArray());
        Assert.Equal(new object[] { true, false }, byProperty.BaseObjects.ToArray());
    }

    [Fact]
    public void The_core_type_is_usable_from_scripts()
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("[ImgTrack.ImageReference]::Parse('index.docker.io/library/nginx:1.25').FamiliarName").ThrowIfErrors();
        Assert.Equal("nginx", Assert.Single(result.BaseObjects));
    }

    [Theory]
    [InlineData("ConvertTo-ImageReference", "ImgTrack.ImageReference")]
    [InlineData("Test-ImageReference", "System.Boolean")]
    [InlineData("ConvertTo-TrackingKey", "System.String")]
    [InlineData("Compare-ImageInventory", "ImgTrack.ImageInventoryComparison")]
    public void Each_cmdlet_declares_its_output_type(string command, string type)
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("(Get-Command $args[0]).OutputType.Name", command).ThrowIfErrors();
        Assert.Equal(type, Assert.Single(result.BaseObjects));
    }
}
