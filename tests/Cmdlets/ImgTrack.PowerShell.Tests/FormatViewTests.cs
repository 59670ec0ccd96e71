using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// ImgTrack.format.ps1xml: the engine loads it, each output type has a compact table and a full list keyed on
/// its full type name, and the table's computed columns show what `docker image ls` users expect.
/// (The hosted engine has no Format-Table/Out-String, so the column script blocks are run directly; the rendered
/// tables, at 79, 80 and 120 columns, are tested in real pwsh by tests/Pester/ImgTrack.Module.Tests.ps1.)
/// </summary>
public sealed class FormatViewTests
{
    private static string FormatFile => Path.Combine(RepositoryPaths.StagedModule, "ImgTrack.format.ps1xml");

    [Fact]
    public void The_engine_loads_the_staged_format_file_without_errors()
    {
        // FormatTable throws FormatTableLoadException listing every problem in the file.
        var table = new FormatTable(new[] { FormatFile });
        Assert.NotNull(table);
    }

    public static TheoryData<string, string, string[]> Views() => new()
    {
        { "ImgTrack.ImageIdentity", "TableControl", new[] { "Repository", "Tag", "ImageId", "TrackingId", "IdSource" } },
        { "ImgTrack.ImageIdentity", "ListControl", CsvContractTests.ImageIdentityColumns },
        { "ImgTrack.ImageReference", "TableControl", new[] { "Original", "Registry", "Repository", "Tag", "Digest" } },
        { "ImgTrack.ImageReference", "ListControl", CsvContractTests.ImageReferenceColumns },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void Each_type_has_its_view_keyed_on_the_full_type_name_with_these_columns(string typeName, string control, string[] columns)
    {
        var doc = XDocument.Load(FormatFile);
        var view = Assert.Single(doc.Descendants("View"), v =>
            v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == typeName) && v.Element(control) is not null);
        Assert.Contains(view.Element("ViewSelectedBy")!.Elements("TypeName"), t => t.Value == "Deserialized." + typeName);

        var names = control == "TableControl"
            ? view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value)
            : view.Descendants("ListItem").Select(i => (i.Element("Label") ?? i.Element("PropertyName"))!.Value);
        Assert.Equal(columns, names.ToArray());
    }

    public static TheoryData<string, string, string[]> TableRows() => new()
    {
        {
            "pushed Docker Hub image",
            "[pscustomobject]@{ PSTypeName = 'ImgTrack.ImageIdentity'; Registry = 'docker.io'; Repository = 'library/nginx'; Tag = '1.25'; TrackingIdSource = 'RepoDigest'; ImageId = 'sha256:dca5b3e1d2c0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e665a3'; TrackingId = 'docker.io/library/nginx@sha256:7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030' }",
            new[] { "nginx", "1.25", "dca5b3e1d2c0", "7b4a2f1e0d9c", "RepoDigest" }
        },
        {
            "never-pushed image on a private registry with a port",
            "[pscustomobject]@{ PSTypeName = 'ImgTrack.ImageIdentity'; Registry = '127.0.0.1:5000'; Repository = 'team/app'; Tag = '1.0'; TrackingIdSource = 'ImageId'; ImageId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'; TrackingId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' }",
            new[] { "127.0.0.1:5000/team/app", "1.0", "0123456789ab", "0123456789ab", "ImageId" }
        },
        {
            "untagged image from -All",
            "[pscustomobject]@{ PSTypeName = 'Deserialized.ImgTrack.ImageIdentity'; Registry = $null; Repository = $null; Tag = $null; TrackingIdSource = 'ImageId'; ImageId = 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210'; TrackingId = 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210' }",
            new[] { "<none>", "<none>", "fedcba987654", "fedcba987654", "ImageId" }
        },
        {
            "Docker Hub user repository",
            "[pscustomobject]@{ PSTypeName = 'ImgTrack.ImageIdentity'; Registry = 'docker.io'; Repository = 'team/app'; Tag = 'latest'; TrackingIdSource = 'RepoDigest'; ImageId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'; TrackingId = 'team/app@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210' }",
            new[] { "team/app", "latest", "0123456789ab", "fedcba987654", "RepoDigest" }
        },
        {
            // 53 characters in a 35-column Repository: both ends stay, the middle gives way to an ellipsis.
            "repository longer than its column, tag longer than its column",
            "[pscustomobject]@{ PSTypeName = 'ImgTrack.ImageIdentity'; Registry = '123456789012.dkr.ecr.us-east-1.amazonaws.com'; Repository = 'team/app'; Tag = '8.0-bookworm-slim'; TrackingIdSource = 'RepoDigest'; ImageId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'; TrackingId = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210' }",
            new[] { "123456789012.dkr.\u2026naws.com/team/app", "8.0-\nbookwo\nrm-\nslim", "0123456789ab", "fedcba987654", "RepoDigest" }
        },
    };

    [Theory]
    [MemberData(nameof(TableRows))]
    public void The_identity_table_shows_familiar_repository_and_short_ids(string scenario, string objectScript, string[] expected)
    {
        Assert.NotEmpty(scenario);
        var doc = XDocument.Load(FormatFile);
        var view = doc.Descendants("View").First(v =>
            v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == "ImgTrack.ImageIdentity") && v.Element("TableControl") is not null);
        var items = view.Descendants("TableColumnItem")
            .Select(i => i.Element("ScriptBlock")?.Value ?? "$_." + i.Element("PropertyName")!.Value)
            .ToArray();

        using var session = new PowerShellSession();
        var result = session.Invoke(@"
param($objectScript, $columns)
$item = & ([scriptblock]::Create($objectScript))
foreach ($column in $columns) { [string]($item | ForEach-Object ([scriptblock]::Create($column))) }",
            objectScript, items).ThrowIfErrors();
        Assert.Equal(expected.Select(Regex.Unescape), result.BaseObjects.Cast<string>().ToArray());
    }

    [Fact]
    public void The_reference_table_shortens_the_digest_to_12_hex()
    {
        var doc = XDocument.Load(FormatFile);
        var view = doc.Descendants("View").First(v =>
            v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == "ImgTrack.ImageReference") && v.Element("TableControl") is not null);
        var digestColumn = view.Descendants("TableColumnItem").Last().Element("ScriptBlock")!.Value;

        using var session = new PowerShellSession();
        var result = session.Invoke(@"
param($column)
foreach ($digest in @('sha256:7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030', $null)) {
    [string]([pscustomobject]@{ Digest = $digest } | ForEach-Object ([scriptblock]::Create($column)))
}", digestColumn).ThrowIfErrors();
        Assert.Equal(new[] { "7b4a2f1e0d9c", string.Empty }, result.BaseObjects.Cast<string>().ToArray());
    }

    /// <summary>Tables: the default (table) views of both output types.</summary>
    public static TheoryData<string> TableViews() => new() { "ImgTrack.ImageIdentity", "ImgTrack.ImageReference" };

    [Theory]
    [MemberData(nameof(TableViews))]
    public void The_table_fits_an_80_column_console_which_PowerShell_lays_out_in_79(string typeName)
    {
        // ConsoleLineOutput.ColumnNumber is the buffer width minus one: in an 80-column window a table wider than
        // 79 loses its last column (or part of it). Widths are fixed so that every column keeps its place.
        var widths = TableHeaders(typeName).Select(h => int.Parse(h.Element("Width")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(79, widths.Sum() + widths.Length - 1);
        Assert.All(TableHeaders(typeName), h => Assert.True(
            h.Element("Label")!.Value.Length <= int.Parse(h.Element("Width")!.Value, System.Globalization.CultureInfo.InvariantCulture),
            "the label " + h.Element("Label")!.Value + " would wrap"));
    }

    [Theory]
    [MemberData(nameof(TableViews))]
    public void No_column_value_is_wider_than_its_column_whatever_the_input(string typeName)
    {
        // Every property a column reads is given an overlong value (a 64-hex digest, a 128-character tag, long
        // registries and paths). A script column must shorten it (IDs, digests, the repository) or break it into
        // lines that fit; a plain property column must hold every value its property can have.
        var hex = new string('a', 64);
        var objectScript = "[pscustomobject]@{ Registry = 'registry.' + ('x' * 60) + '.example.com:5000'; Repository = ('team/' * 20) + 'app';"
            + " Tag = 'v' * 128; ImageId = 'sha256:" + hex + "'; TrackingId = 'registry.example.com:5000/team/app@sha256:" + hex + "';"
            + " Digest = 'sha256:" + hex + "'; Original = 'registry.example.com:5000/' + ('team/' * 20) + 'app:' + ('v' * 128) + '@sha256:" + hex + "';"
            + " TrackingIdSource = 'RepoDigest' }";
        var view = TableView(typeName);
        var headers = view.Descendants("TableColumnHeader").ToArray();
        var items = view.Descendants("TableColumnItem").ToArray();
        Assert.Equal(headers.Length, items.Length);

        using var session = new PowerShellSession();
        for (var i = 0; i < items.Length; i++)
        {
            var width = int.Parse(headers[i].Element("Width")!.Value, System.Globalization.CultureInfo.InvariantCulture);
            var script = items[i].Element("ScriptBlock")?.Value;
            if (script is null)
            {
                // Only TrackingIdSource is shown as a plain property: RepoDigest is its longest value.
                Assert.Equal("TrackingIdSource", items[i].Element("PropertyName")!.Value);
                var names = session.Invoke("[enum]::GetNames([ImgTrack.TrackingIdSource])").ThrowIfErrors().BaseObjects.Cast<string>();
                Assert.All(names, name => Assert.True(name.Length <= width, name + " is wider than " + width));
                continue;
            }

            var text = (string)session.Invoke(@"
param($objectScript, $column)
[string](& ([scriptblock]::Create($objectScript)) | ForEach-Object ([scriptblock]::Create($column)))", objectScript, script)
                .ThrowIfErrors().BaseObjects.Single();
            Assert.All(text.Split('\n'), line => Assert.True(line.Length <= width, $"{headers[i].Element("Label")!.Value}: '{line}' is wider than {width}"));
        }
    }

    private static XElement TableView(string typeName) =>
        XDocument.Load(FormatFile).Descendants("View").Single(v =>
            v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == typeName) && v.Element("TableControl") is not null);

    private static XElement[] TableHeaders(string typeName) => TableView(typeName).Descendants("TableColumnHeader").ToArray();
}
