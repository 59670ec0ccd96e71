using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// The PlatyPS markdown in docs/en-US matches the cmdlets the staged module really exports (issue 4, "Help"):
/// every parameter documented with the metadata PowerShell binds by, nothing documented that does not exist,
/// and examples that parse — and run, where they need no engine and only the core cmdlets. PlatyPS itself is
/// not obtainable here, so these tests also hold the markdown to the shape platyPS 0.14's New-ExternalHelp reads
/// (issue 7); tests/Pester/Build.Tests.ps1 checks Get-Help on its output where platyPS is installed.
/// </summary>
public sealed class HelpDocTests
{
    private static readonly string[] s_cmdlets = { "ConvertTo-ImageReference", "Test-ImageReference", "Get-ImageIdentity", "ConvertTo-TrackingKey", "Compare-ImageInventory" };

    // Common parameters are documented by the CommonParameters paragraph; ProgressAction joined them in 7.4.
    private static readonly HashSet<string> s_common = new(
        Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters).Append("ProgressAction"), StringComparer.OrdinalIgnoreCase);

    private static readonly Regex s_codeBlock = new(@"^```powershell\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);

    // The sections of a cmdlet page in the order platyPS's schema 2.0.0 reader expects them.
    private static readonly string[] s_sections = { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };

    // The level-1 headings of platyPS 0.14's about-topic template (New-MarkdownAboutHelp), in its order.
    private static readonly string[] s_aboutSections = { "SHORT DESCRIPTION", "LONG DESCRIPTION", "EXAMPLES", "NOTE", "TROUBLESHOOTING NOTE", "SEE ALSO", "KEYWORDS" };

    // About topics are read at 80 columns; platyPS indents every paragraph and code line by four.
    private const int AboutLineWidth = 76;

    public static TheoryData<string> Cmdlets() => new(s_cmdlets);

    private static string Doc(string cmdlet) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "en-US", cmdlet + ".md"));

    // platyPS names the text topic after the markdown file: about_ImgTrack.md becomes about_ImgTrack.help.txt.
    private static string AboutPath => Path.Combine(RepositoryPaths.Root, "docs", "en-US", "about_ImgTrack.md");

    private static string Section(string doc, string heading)
    {
        var start = doc.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"missing section ## {heading}");
        start += heading.Length + 5;
        var end = doc.IndexOf("\n## ", start, StringComparison.Ordinal);
        return (end < 0 ? doc[start..] : doc[start..end]).Trim();
    }

    [Fact]
    public void Docs_cover_exactly_the_exported_cmdlets_plus_the_about_topic()
    {
        using var session = new PowerShellSession();
        var exported = session.Invoke("(Get-Module ImgTrack).ExportedCmdlets.Keys").ThrowIfErrors().BaseObjects.Cast<string>().OrderBy(n => n, StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs", "en-US"), "*.md").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Contains("about_ImgTrack", files);
        Assert.Equal(exported, files.Where(f => !f!.StartsWith("about_", StringComparison.Ordinal)).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Doc_has_platyPS_front_matter_and_the_required_sections(string cmdlet)
    {
        var doc = Doc(cmdlet).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.StartsWith("---\nexternal help file: ImgTrack.dll-Help.xml\nModule Name: ImgTrack\nonline version: https://", doc, StringComparison.Ordinal);
        Assert.Contains("\nschema: 2.0.0\n---\n\n# " + cmdlet + "\n", doc, StringComparison.Ordinal);
        Assert.NotEmpty(Section(doc, "SYNOPSIS"));
        Assert.NotEmpty(Section(doc, "DESCRIPTION"));
        Assert.Contains(cmdlet, Section(doc, "SYNTAX"), StringComparison.Ordinal);
        Assert.Contains("### CommonParameters", Section(doc, "PARAMETERS"), StringComparison.Ordinal);
        Assert.NotEmpty(Section(doc, "INPUTS"));
        Assert.NotEmpty(Section(doc, "OUTPUTS"));
        Assert.NotEmpty(Section(doc, "NOTES"));
        Assert.NotEmpty(Section(doc, "RELATED LINKS"));
        Assert.Equal(s_sections, Regex.Matches(doc, "^## (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value));
        var examples = Regex.Split(Section(doc, "EXAMPLES"), @"^### ", RegexOptions.Multiline).Where(e => e.Length > 0).ToList();
        Assert.True(examples.Count >= 3, $"{cmdlet}: {examples.Count} examples");
        Assert.All(examples, e => Assert.Matches(s_codeBlock, e));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Documented_parameters_are_exactly_the_cmdlets_parameters_with_their_binding_metadata(string cmdlet)
    {
        var documented = ParseParameterBlocks(Section(Doc(cmdlet).Replace("\r\n", "\n", StringComparison.Ordinal), "PARAMETERS"));

        using var session = new PowerShellSession();
        var command = (CommandInfo)session.Invoke("Get-Command -Name $args[0] -Module ImgTrack", cmdlet).ThrowIfErrors().BaseObjects.Single();
        var actual = command.Parameters.Values.Where(p => !s_common.Contains(p.Name)).ToDictionary(p => p.Name, StringComparer.Ordinal);

        Assert.Equal(actual.Keys.OrderBy(k => k, StringComparer.Ordinal), documented.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (name, yaml) in documented)
        {
            var expected = Describe(actual[name], command);
            foreach (var (key, value) in expected)
            {
                Assert.True(yaml.TryGetValue(key, out var written), $"{cmdlet} -{name}: yaml has no '{key}'");
                Assert.True(value == written, $"{cmdlet} -{name}: '{key}' is documented as '{written}' but the cmdlet says '{value}'");
            }

            Assert.True(yaml.ContainsKey("Default value"), $"{cmdlet} -{name}: yaml has no 'Default value'");
        }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_error_ID_the_cmdlet_can_write_is_named_in_its_help(string cmdlet)
    {
        // Error IDs are declared once, in Commands/ErrorIds.cs; a cmdlet names those it writes as ErrorIds.<Id>, in its
        // own file or in the Reporting/ classes it writes through (the error table), found by their names.
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "ImgTrack", "Commands", cmdlet.Replace("-", string.Empty, StringComparison.Ordinal) + "Command.cs"));
        var reporting = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "ImgTrack", "Reporting"), "*.cs")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText, StringComparer.Ordinal);
        var read = new List<string> { source };
        for (var i = 0; i < read.Count; i++)
        {
            foreach (var (name, text) in reporting)
            {
                if (!read.Contains(text) && Regex.IsMatch(read[i], @"\b" + name + @"\b"))
                {
                    read.Add(text);
                }
            }
        }

        var ids = read.SelectMany(text => Regex.Matches(text, @"\bErrorIds\.(?<id>\w+)")).Select(m => m.Groups["id"].Value).Distinct().ToList();
        var doc = Doc(cmdlet);

        Assert.True(cmdlet != "Get-ImageIdentity" || ids.Count >= 6, "expected at least six error IDs in " + cmdlet + ": " + string.Join(", ", ids));
        Assert.All(ids, id => Assert.Contains("`" + id + "`", doc, StringComparison.Ordinal));
    }

    // Commands whose examples need more than the module: an engine, input files the example assumes, a remote host,
    // a script the example runs (pwsh -File).
    private static readonly HashSet<string> s_needsMoreThanTheModule = new(StringComparer.OrdinalIgnoreCase)
    {
        "Get-ImageIdentity", "Import-Csv", "Get-Content", "Import-Clixml", "Invoke-Command", "Register-ScheduledTask", "pwsh",
    };

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_documented_parameter_has_a_description(string cmdlet)
    {
        var parameters = Section(Doc(cmdlet).Replace("\r\n", "\n", StringComparison.Ordinal), "PARAMETERS");
        foreach (Match m in Regex.Matches(parameters, @"^### -(?<name>\w+)\n(?<description>.*?)```yaml\n", RegexOptions.Multiline | RegexOptions.Singleline))
        {
            Assert.True(m.Groups["description"].Value.Trim().Length > 0, $"{cmdlet} -{m.Groups["name"].Value} has no description");
        }
    }

    [Fact]
    public void Relative_links_in_the_docs_point_at_existing_pages()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs", "en-US"), "*.md"))
        {
            foreach (Match link in Regex.Matches(File.ReadAllText(file), @"\]\((?<target>[^)#:]+\.md)\)"))
            {
                var target = Path.Combine(Path.GetDirectoryName(file)!, link.Groups["target"].Value);
                Assert.True(File.Exists(target), $"{Path.GetFileName(file)} links to {link.Groups["target"].Value}, which does not exist");
            }
        }
    }

    [Fact]
    public void Docs_and_README_name_files_with_a_machine_name_that_exists_on_Linux_too()
    {
        // $env:COMPUTERNAME is empty on Linux: every server would write inventory-.csv (issue 7, section 5).
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Append(Path.Combine(RepositoryPaths.Root, "README.md"));
        foreach (var file in files)
        {
            Assert.DoesNotContain("$env:COMPUTERNAME", File.ReadAllText(file), StringComparison.OrdinalIgnoreCase);
        }
    }

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var cmdlet in s_cmdlets)
        {
            var count = s_codeBlock.Matches(Section(Doc(cmdlet).Replace("\r\n", "\n", StringComparison.Ordinal), "EXAMPLES")).Count;
            for (var i = 0; i < count; i++)
            {
                data.Add(cmdlet, i + 1);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_parses_and_runs_without_errors_when_it_needs_only_core_cmdlets_and_no_engine(string cmdlet, int number)
    {
        var code = s_codeBlock.Matches(Section(Doc(cmdlet).Replace("\r\n", "\n", StringComparison.Ordinal), "EXAMPLES"))[number - 1].Groups["code"].Value;
        var ast = Parser.ParseInput(code, out _, out var errors);
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.Message)));

        using var session = new PowerShellSession();
        var commands = ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>().Select(c => c.GetCommandName()).Where(n => n is not null).Distinct().ToList();
        // Commands known to need more are not looked up: one that is not installed here (pwsh) answers nothing at all.
        var kinds = commands.Any(n => s_needsMoreThanTheModule.Contains(n!))
            ? new List<object?> { null }
            : commands.Select(n => session.Invoke("(Get-Command -Name $args[0] -ErrorAction SilentlyContinue).CommandType", n).BaseObjects.SingleOrDefault()).ToList();
        if (kinds.Any(k => k is null or CommandTypes.Application))
        {
            return; // Needs an engine, a program (kubectl), a remote host or input files of its own: parsing is all we can check here.
        }

        var folder = Directory.CreateTempSubdirectory("imgtrack-example-");
        session.Invoke("Set-Location -LiteralPath $args[0]", folder.FullName).ThrowIfErrors();
        var result = session.Invoke(code);
        folder.Delete(recursive: true);
        Assert.Null(result.TerminatingError);
        var unexpected = result.Errors.Where(e => !code.Contains("-ErrorVariable", StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        Assert.NotEmpty(result.Output);
    }

    [Fact]
    public void About_topic_covers_the_concepts_merge_csv_contract_and_scheduled_task()
    {
        var about = File.ReadAllText(AboutPath);
        foreach (var needle in new[]
        {
            "image ID", "repo digest", "TrackingIdSource", "Podman", "containerd image store", "docker-pullable://", "docker://sha256:",
            "ConvertTo-TrackingKey", "mirror", "Compare-ImageInventory -ClusterPath", "MatchedBy Digest", "-AsHashtable", "new columns are only", "CollectedAt",
            "-NoTypeInformation", "-NonInteractive", "exit 1", "4.7.2", "ErrorVariable", "[Environment]::MachineName",
            "[datetimeoffset]$_.Created -lt",
        })
        {
            Assert.Contains(needle, about, StringComparison.Ordinal);
        }

        foreach (Match block in s_codeBlock.Matches(about))
        {
            Parser.ParseInput(block.Groups["code"].Value, out _, out var errors);
            Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.Message)));
        }
    }

    [Fact]
    public void About_topic_has_the_headings_platyPS_0_14_needs_to_find_and_name_it()
    {
        // New-ExternalHelp takes a markdown file for an about topic when its second heading starts with "about",
        // prints the first heading as TOPIC and the second in lower case, and the level-1 headings in capitals.
        var lines = File.ReadAllText(AboutPath).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var headings = OutsideCodeBlocks(lines).Where(l => l.Text.StartsWith('#')).Select(l => l.Text).ToList();
        Assert.Equal("# about_ImgTrack", lines[0]);
        Assert.Equal("## about_ImgTrack", headings[1]);
        Assert.Equal(s_aboutSections, headings.Where(h => h.StartsWith("# ", StringComparison.Ordinal)).Skip(1).Select(h => h[2..]));
        Assert.DoesNotContain(headings, h => h.StartsWith("###", StringComparison.Ordinal));
    }

    [Fact]
    public void About_topic_reads_as_plain_text_once_platyPS_0_14_renders_it()
    {
        // platyPS 0.14's about renderer (TextRenderer.AboutMarkdownToString) keeps headings, paragraphs and fenced
        // code blocks only. Code lines print as written, indented by four. In a paragraph, its lines print where they
        // break, but: blank lines inside the paragraph are dropped, a line that starts with a space is joined to the
        // one before, lines longer than 76 are re-wrapped, a paragraph of 76 characters or fewer indents only its
        // first line, **bold**, *italic*, [links](…) and two trailing spaces split it into one line per piece, and a
        // line followed by --- or === becomes a heading. Markdown tables and indented list items therefore print
        // as run-on text: they belong in code blocks.
        var lines = File.ReadAllText(AboutPath).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.True(lines[i].Length <= AboutLineWidth, $"line {i + 1} is longer than {AboutLineWidth}: {lines[i]}");
            Assert.True(lines[i].TrimEnd() == lines[i], $"line {i + 1} ends with white space");
        }

        var prose = OutsideCodeBlocks(lines).Where(l => !l.Text.StartsWith('#')).ToList();
        foreach (var (number, text) in prose.Where(l => l.Text.Length > 0))
        {
            Assert.False(char.IsWhiteSpace(text[0]), $"line {number} starts with white space: {text}");
            Assert.False(text.StartsWith('|'), $"line {number} is a table row: {text}");
            Assert.False(text.Contains('*', StringComparison.Ordinal), $"line {number} has emphasis: {text}");
            Assert.False(text.Contains("](", StringComparison.Ordinal), $"line {number} has a link: {text}");
            Assert.False(text.Trim('-', '=').Length == 0, $"line {number} underlines a heading: {text}");
        }

        // Paragraphs: runs of prose lines between headings and code blocks.
        var paragraph = new List<string>();
        foreach (var line in OutsideCodeBlocks(lines, blockMarker: true).Append((Number: lines.Length + 1, Text: "#")))
        {
            if (line.Text.StartsWith('#') || line.Text.StartsWith("```", StringComparison.Ordinal))
            {
                var text = string.Join("\n", paragraph).Trim();
                Assert.False(text.Contains('\n', StringComparison.Ordinal) && text.Length <= AboutLineWidth, $"a paragraph of {AboutLineWidth} characters or fewer prints only its first line indented: {text}");
                Assert.False(text.Contains("\n\n", StringComparison.Ordinal), $"the blank line inside this paragraph would not print; put a heading or code block between its parts: {text}");
                paragraph.Clear();
            }
            else
            {
                paragraph.Add(line.Text);
            }
        }
    }

    // The lines outside ``` fences, with their 1-based numbers; with blockMarker, each fence's opening line too.
    private static IEnumerable<(int Number, string Text)> OutsideCodeBlocks(string[] lines, bool blockMarker = false)
    {
        var inBlock = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                if (inBlock && blockMarker)
                {
                    yield return (i + 1, lines[i]);
                }

                continue;
            }

            if (!inBlock)
            {
                yield return (i + 1, lines[i]);
            }
        }
    }

    // The yaml each "### -Name" heading carries, as key/value pairs.
    private static Dictionary<string, Dictionary<string, string>> ParseParameterBlocks(string parameters)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(parameters, @"^### -(?<name>\w+)\n.*?```yaml\n(?<yaml>.*?)```", RegexOptions.Multiline | RegexOptions.Singleline))
        {
            var yaml = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in m.Groups["yaml"].Value.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    yaml[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            result.Add(m.Groups["name"].Value, yaml);
        }

        return result;
    }

    // What platyPS would write for a parameter, from the metadata PowerShell binds with.
    private static Dictionary<string, string> Describe(ParameterMetadata parameter, CommandInfo command)
    {
        var sets = parameter.ParameterSets;
        var allSets = command.ParameterSets.Count;
        var attributes = sets.Values.ToList();
        var byValue = attributes.Any(a => a.ValueFromPipeline);
        var byName = attributes.Any(a => a.ValueFromPipelineByPropertyName);
        var pipeline = (byName, byValue) switch
        {
            (true, true) => "True (ByPropertyName, ByValue)",
            (true, false) => "True (ByPropertyName)",
            (false, true) => "True (ByValue)",
            _ => "False",
        };
        var position = attributes.Select(a => a.Position).Distinct().Single();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Type"] = DocumentedTypeName(parameter),
            ["Parameter Sets"] = sets.ContainsKey(ParameterAttribute.AllParameterSets) || sets.Count == allSets
                ? "(All)"
                : string.Join(", ", sets.Keys.OrderBy(k => k, StringComparer.Ordinal)),
            ["Aliases"] = parameter.Aliases.Count == 0 ? "None" : string.Join(", ", parameter.Aliases),
            ["Required"] = attributes.Any(a => a.IsMandatory) ? "True" : "False",
            ["Position"] = position == int.MinValue ? "Named" : position.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Accept pipeline input"] = pipeline,
            ["Accept wildcard characters"] = "False",
        };
    }

    // A parameter whose text the module's own transformation parses at binding (-Platform) is documented as the String
    // a user passes, so the help's syntax reads `-Platform <String>`, not the holder type the parse produces.
    private static string DocumentedTypeName(ParameterMetadata parameter) =>
        parameter.Attributes.Any(a => a is ArgumentTransformationAttribute && a.GetType().Namespace?.StartsWith("ImgTrack", StringComparison.Ordinal) == true)
            ? "String"
            : TypeName(parameter.ParameterType);

    private static string TypeName(Type type) => type.IsArray ? TypeName(type.GetElementType()!) + "[]" : type.Name;
}
