using System;
using System.IO;

namespace ImgTrack.Tests;

/// <summary>Where the repository and the staged module are, found from the test's own folder.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds ImgTrack.sln.</summary>
    public static string Root => s_root.Value;

    /// <summary>The staged module manifest, out/ImgTrack/ImgTrack.psd1.</summary>
    public static string StagedManifest => Path.Combine(Root, "out", "ImgTrack", "ImgTrack.psd1");

    /// <summary>The staged module folder.</summary>
    public static string StagedModule => Path.Combine(Root, "out", "ImgTrack");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImgTrack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ImgTrack.sln not found above " + AppContext.BaseDirectory);
    }
}
