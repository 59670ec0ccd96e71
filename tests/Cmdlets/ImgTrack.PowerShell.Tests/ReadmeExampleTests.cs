using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>The README's examples are the front door: the engine-free block runs and prints exactly what the README shows.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void The_READMEs_engine_free_example_prints_the_output_the_README_shows()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var script = FencedBlockAfter(readme, "<!-- readme-example: no-engine -->");
        var expected = FencedBlockAfter(readme, "<!-- readme-example-output: no-engine -->")
            .Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();

        using var session = new PowerShellSession();
        var result = session.Invoke(script).ThrowIfErrors();

        var actual = result.Output.Select(o => o.ToString()).ToArray();
        Assert.Equal(expected, actual);
    }

    private static string FencedBlockAfter(string markdown, string marker)
    {
        var at = markdown.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "README marker not found: " + marker);
        var match = new Regex("```[a-z]*\\n(.*?)```", RegexOptions.Singleline).Match(markdown, at);
        Assert.True(match.Success, "no fenced block after " + marker);
        return match.Groups[1].Value;
    }
}
