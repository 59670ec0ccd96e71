using System;
using System.IO;
using System.Reflection;
using System.Threading;

namespace ImgTrack.NetFramework.Tests;

/// <summary>
/// Loads the staged module's own assemblies as Windows PowerShell 5.1 does: our two assemblies from the module folder
/// (<c>out/ImgTrack</c>), every third-party assembly from its <c>Dependencies/</c> folder through the module's own
/// resolver (<c>ImgTrack.Isolation.DependencyResolver</c>, its .NET Framework branch: <see cref="Assembly.LoadFrom(string)"/>).
/// Nothing of the module is copied next to the tests, so nothing else can be loaded in its place.
/// </summary>
/// <remarks>
/// PowerShell's <c>Import-Module</c> loads <c>ImgTrack.dll</c> from its path and runs its module initializer, which
/// registers the resolver. Here the tests reference <c>ImgTrack.Core</c> directly, so the first use of one of its
/// types raises <see cref="AppDomain.AssemblyResolve"/> (the test folder has no copy), answered from the module folder;
/// the resolver is registered by reflection, as the initializer's one line does (its interface needs
/// System.Management.Automation, which Mono has not). <see cref="StagedModuleFramework"/> calls <see cref="Load"/> before
/// xUnit discovers the tests.
/// </remarks>
internal static class StagedModule
{
    private static int s_loaded;

    /// <summary>The staged module folder: <c>IMGTRACK_STAGED_MODULE</c>, else <c>out/ImgTrack</c> of the repository
    /// these tests were built in.</summary>
    public static string Directory { get; } = FindModule();

    /// <summary>The third-party assemblies' folder, <c>out/ImgTrack/Dependencies</c>.</summary>
    public static string Dependencies => Path.Combine(Directory, "Dependencies");

    /// <summary>The repository root (the folder that holds ImgTrack.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Hooks the loading, once per test domain.</summary>
    public static void Load()
    {
        if (Interlocked.Exchange(ref s_loaded, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
        var module = Assembly.LoadFrom(Path.Combine(Directory, "ImgTrack.dll"));
        var resolver = module.GetType("ImgTrack.Isolation.DependencyResolver", throwOnError: true)!;
        resolver.GetMethod("Register", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.Invoke(null, null);
    }

    // Only our own two assemblies, from the module folder, as PowerShell finds them next to the module's manifest.
    private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name;
        return name is "ImgTrack.Core" or "ImgTrack" ? Assembly.LoadFrom(Path.Combine(Directory, name + ".dll")) : null;
    }

    private static string FindModule()
    {
        var configured = Environment.GetEnvironmentVariable("IMGTRACK_STAGED_MODULE");
        var directory = string.IsNullOrEmpty(configured) ? Path.Combine(FindRoot(), "out", "ImgTrack") : Path.GetFullPath(configured);
        if (!File.Exists(Path.Combine(directory, "ImgTrack.Core.dll")))
        {
            throw new InvalidOperationException($"No staged module in {directory}: build it first (dotnet build src/ImgTrack/ImgTrack.csproj).");
        }

        return directory;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppDomain.CurrentDomain.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImgTrack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ImgTrack.sln not found above " + AppDomain.CurrentDomain.BaseDirectory);
    }
}
