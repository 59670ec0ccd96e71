using System.IO;
using System.Linq;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>The staged module folder is what Import-Module users get.</summary>
public sealed class ModuleImportTests
{
    [Fact]
    public void Staged_module_imports_and_exports_exactly_the_manifest_cmdlets()
    {
        using var session = new PowerShellSession();
        var result = session.Invoke("(Get-Module ImgTrack).ExportedCmdlets.Keys").ThrowIfErrors();
        var names = result.BaseObjects.Cast<string>().OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "Compare-ImageInventory", "ConvertTo-ImageReference", "ConvertTo-TrackingKey", "Get-ImageIdentity", "Test-ImageReference" }, names);
    }

    [Fact]
    public void Staged_module_carries_our_assemblies_at_the_root_and_third_party_ones_under_Dependencies()
    {
        var root = RepositoryPaths.StagedModule;
        Assert.True(File.Exists(Path.Combine(root, "ImgTrack.dll")));
        Assert.True(File.Exists(Path.Combine(root, "ImgTrack.Core.dll")));
        Assert.True(File.Exists(Path.Combine(root, "Dependencies", "Docker.DotNet.dll")));
        Assert.Empty(Directory.GetFiles(root, "Docker.DotNet*.dll"));
        Assert.Empty(Directory.GetFiles(root, "System.Management.Automation.dll", SearchOption.AllDirectories));
    }

    [Fact]
    public void Staged_manifest_carries_the_version_from_Directory_Build_props()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        var version = System.Text.RegularExpressions.Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;
        using var session = new PowerShellSession();
        var result = session.Invoke("(Get-Module ImgTrack).Version.ToString()").ThrowIfErrors();
        Assert.Equal(version, Assert.Single(result.BaseObjects));
    }
}
