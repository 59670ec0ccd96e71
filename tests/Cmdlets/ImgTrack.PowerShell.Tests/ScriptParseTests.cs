using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// Nobody here can run Pester or build.ps1, so every PowerShell file in the repository must at least parse
/// with the engine's own parser (issue 4, "Pester").
/// </summary>
public sealed class ScriptParseTests
{
    private static readonly string[] s_extensions = { ".ps1", ".psm1", ".psd1" };
    private static readonly string[] s_skippedFolders = { ".git", "bin", "obj", "out", "BenchmarkDotNet.Artifacts" };

    public static TheoryData<string> PowerShellFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Enumerate(RepositoryPaths.Root))
        {
            data.Add(Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PowerShellFiles))]
    public void Every_PowerShell_file_parses_without_errors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(RepositoryPaths.Root, relativePath), out _, out var errors);
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void The_files_the_issue_names_are_among_those_parsed()
    {
        var files = Enumerate(RepositoryPaths.Root)
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file).Replace('\\', '/'))
            .ToArray();
        Assert.Contains("build.ps1", files);
        Assert.Contains("ImgTrack.psd1", files);
        Assert.Contains(files, f => f.StartsWith("tests/Pester/", StringComparison.Ordinal) && f.EndsWith(".Tests.ps1", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Enumerate(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (s_extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }

        foreach (var sub in Directory.EnumerateDirectories(directory))
        {
            if (!s_skippedFolders.Contains(Path.GetFileName(sub), StringComparer.OrdinalIgnoreCase))
            {
                foreach (var file in Enumerate(sub))
                {
                    yield return file;
                }
            }
        }
    }
}
