using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Versioning;
using Xunit;

namespace ImgTrack.NetFramework.Tests;

/// <summary>
/// Proof that what runs is what Windows PowerShell 5.1 would load: the staged module's own netstandard2.0 files, from
/// out/ImgTrack and its Dependencies folder, not copies next to the tests nor the net4x builds a package reference
/// would pick.
/// </summary>
public sealed class StagedAssemblyTests
{
    [Fact]
    public void The_core_is_the_staged_netstandard20_file()
    {
        var core = typeof(ImageReference).Assembly;

        Assert.Equal(Path.Combine(StagedModule.Directory, "ImgTrack.Core.dll"), core.Location);
        Assert.Equal(".NETStandard,Version=v2.0", core.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
        Assert.False(File.Exists(Path.Combine(AppDomain.CurrentDomain.BaseDirectory, "ImgTrack.Core.dll")), "a copy of the core sits next to the tests");
    }

    [Fact]
    public void Every_loaded_assembly_the_module_ships_is_its_staged_file_at_its_version()
    {
        // Reading the docker CLI's config files loads the JSON reader and what it needs.
        CoreTests.ResolveContext("staged", "unix:///run/staged.sock");

        var shipped = Directory.GetFiles(StagedModule.Directory, "*.dll").Concat(Directory.GetFiles(StagedModule.Dependencies, "*.dll"))
            .ToDictionary(file => Path.GetFileNameWithoutExtension(file), StringComparer.OrdinalIgnoreCase);
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && shipped.ContainsKey(a.GetName().Name!)).ToList();

        Assert.Contains(loaded, a => a.GetName().Name == "System.Text.Json");
        Assert.Equal(loaded.Count, loaded.Select(a => a.GetName().Name).Distinct().Count());
        foreach (var assembly in loaded)
        {
            var name = assembly.GetName().Name!;
            if (Array.IndexOf(s_monoTakesItsOwn, name) >= 0)
            {
                Assert.StartsWith(MonoFrameworkDirectory, assembly.Location, StringComparison.Ordinal);
            }
            else
            {
                AssertLoadedFromStagedModule(name);
            }
        }
    }

    // Assemblies Mono ships itself and binds every request to, whatever version was asked for: System.Memory asks for
    // System.Numerics.Vectors 4.1.4.0 and Mono hands it its own 4.0.0.0. .NET Framework 4.7.2 has no such assembly, so
    // there (Windows PowerShell 5.1) the staged one is loaded; this difference is Mono's, and only these are allowed it.
    private static readonly string[] s_monoTakesItsOwn = { "System.Numerics.Vectors" };

    // /usr/lib/mono/, where mscorlib and the GAC are.
    private static string MonoFrameworkDirectory =>
        Directory.GetParent(Path.GetDirectoryName(typeof(object).Assembly.Location)!)!.FullName + Path.DirectorySeparatorChar;

    /// <summary>The one loaded assembly named <paramref name="name"/> is the staged module's file, its version the file's,
    /// and it is a netstandard build (never a net4x one).</summary>
    internal static void AssertLoadedFromStagedModule(string name)
    {
        var copies = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.GetName().Name == name).ToList();
        var assembly = Assert.Single(copies);
        var file = new[] { StagedModule.Directory, StagedModule.Dependencies }.Select(folder => Path.Combine(folder, name + ".dll")).Single(File.Exists);

        Assert.Equal(file, assembly.Location);
        Assert.Equal(AssemblyName.GetAssemblyName(file).Version, assembly.GetName().Version);
        var framework = assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        Assert.True(framework is null || framework.StartsWith(".NETStandard,", StringComparison.Ordinal), $"{name} is a {framework} build");
    }
}
