using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Threading;

namespace ImgTrack.Isolation;

/// <summary>
/// Loads ImgTrack's third-party assemblies from the module's <c>Dependencies/</c> folder, where normal probing
/// cannot find them, so they never collide with another module's copy of the same library.
/// On PowerShell 7 they go into a private AssemblyLoadContext; on Windows PowerShell 5.1 (no load contexts)
/// they are loaded with <see cref="Assembly.LoadFrom(string)"/>, as PSResourceGet and platyPS do.
/// </summary>
/// <remarks>
/// .NET raises <see cref="AppDomain.AssemblyResolve"/> after default resolution fails, both for the default
/// context (our own assemblies at the module root) and for the private context (a dependency asking for a
/// sibling), so one handler serves both runtimes. It answers only requests that come from our assemblies or
/// from the dependencies it loaded itself; everything else is left to PowerShell and other modules.
/// </remarks>
internal static class DependencyResolver
{
    private const string DependencyFolderName = "Dependencies";
    private const string LoadContextTypeName = "System.Runtime.Loader.AssemblyLoadContext";

    /// <summary>Set to 1 to load dependencies with <see cref="Assembly.LoadFrom(string)"/> as on Windows PowerShell 5.1.</summary>
    private const string ForceLoadFromVariable = "IMGTRACK_FORCE_LOADFROM";

    private static readonly object s_gate = new();
    private static readonly Dictionary<string, Assembly> s_loaded = new(StringComparer.OrdinalIgnoreCase);
    private static readonly string s_moduleDirectory =
        Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? string.Empty;

    private static readonly string s_dependencyDirectory = Path.Combine(s_moduleDirectory, DependencyFolderName);

    private static int s_registered;
    private static object? s_loadContext;
    private static MethodInfo? s_loadFromAssemblyPath;

    /// <summary>Installs the resolve handler once per process.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
        {
            return;
        }

        // Windows PowerShell 5.1's branch (LoadFrom) can be forced on PowerShell 7, so its tests run where 5.1 cannot.
        if (Environment.GetEnvironmentVariable(ForceLoadFromVariable) != "1")
        {
            CreatePrivateLoadContext();
        }

        AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
    }

    /// <summary>Removes the resolve handler (Remove-Module).</summary>
    public static void Unregister()
    {
        if (Interlocked.Exchange(ref s_registered, 0) == 0)
        {
            return;
        }

        AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
    }

    // netstandard2.0 cannot name AssemblyLoadContext's public constructor (it arrived in .NET Core 3.0),
    // so it is found by reflection; on .NET Framework the type does not exist and LoadFrom is used instead.
    private static void CreatePrivateLoadContext()
    {
        var contextType = typeof(object).Assembly.GetType(LoadContextTypeName, throwOnError: false);
        var constructor = contextType?.GetConstructor(new[] { typeof(string), typeof(bool) });
        if (contextType is null || constructor is null)
        {
            return;
        }

        s_loadContext = constructor.Invoke(new object[] { "ImgTrack", false });
        s_loadFromAssemblyPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
    }

    private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        var requested = new AssemblyName(args.Name);
        if (requested.Name is null)
        {
            return null;
        }

        var path = Path.Combine(s_dependencyDirectory, requested.Name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }

        // .NET Framework often raises the event with no requesting assembly, even for our own references. Such a
        // request is answered only when it names exactly (name, version, culture, key) an assembly we ship, as
        // PSResourceGet does; any other request stays another module's to answer.
        if (args.RequestingAssembly is null ? !ShipsExactly(requested, path) : !IsOurs(args.RequestingAssembly))
        {
            return null;
        }

        lock (s_gate)
        {
            if (!s_loaded.TryGetValue(requested.Name, out var assembly))
            {
                assembly = s_loadContext is not null && s_loadFromAssemblyPath is not null
                    ? (Assembly)s_loadFromAssemblyPath.Invoke(s_loadContext, new object[] { path })!
                    : Assembly.LoadFrom(path);
                s_loaded[requested.Name] = assembly;
            }

            return assembly;
        }
    }

    private static bool ShipsExactly(AssemblyName requested, string path)
    {
        AssemblyName shipped;
        try
        {
            shipped = AssemblyName.GetAssemblyName(path);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return false;
        }

        return requested.Version is not null
            && string.Equals(requested.FullName, shipped.FullName, StringComparison.OrdinalIgnoreCase);
    }

    // A request is ours when it comes from an assembly in the module folder or its Dependencies folder.
    private static bool IsOurs(Assembly requesting)
    {
        if (requesting.IsDynamic)
        {
            return false;
        }

        var location = requesting.Location;
        if (string.IsNullOrEmpty(location))
        {
            return false;
        }

        var directory = Path.GetDirectoryName(location);
        return string.Equals(directory, s_moduleDirectory, StringComparison.OrdinalIgnoreCase)
            || string.Equals(directory, s_dependencyDirectory, StringComparison.OrdinalIgnoreCase);
    }
}
