using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// ImgTrack.format.ps1xml: the engine loads it, each output type has a compact table and a full list keyed on
/// its full type name, and the table's computed columns show what `docker image ls` users expect.
/// (The hosted engine has no Format-Table/Out-String, so the column script blocks are run directly.)
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
        { "ImgTrack.ImageIdentity", "TableControl", new[] { "Repository", "Tag", "TrackingIdSource", "ImageId", "TrackingId" } },
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
            new[] { "nginx", "1.25", "RepoDigest", "dca5b3e1d2c0", "7b4a2f1e0d9c" }
        },
        {
            "never-pushed image on a private registry with a port",
            "[pscustomobject]@{ PSTypeName = 'ImgTrack.ImageIdentity'; Registry = '127.0.0.1:5000'; Repository = 'team/app'; Tag = '1.0'; TrackingIdSource = 'ImageId'; ImageId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'; TrackingId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' }",
            new[] { "127.0.0.1:5000/team/app", "1.0", "ImageId", "0123456789ab", "0123456789ab" }
        },
        {
            "untagged image from -All",
            "[pscustomobject]@{ PSTypeName = 'Deserialized.ImgTrack.ImageIdentity'; Registry = $null; Repository = $null; Tag = $null; TrackingIdSource = 'ImageId'; ImageId = 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210'; TrackingId = 'sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210' }",
            new[] { "<none>", "<none>", "ImageId", "fedcba987654", "fedcba987654" }
        },
        {
            "Docker Hub user repository",
            "[pscustomobject]@{ PSTypeName = 'ImgTrack.ImageIdentity'; Registry = 'docker.io'; Repository = 'team/app'; Tag = 'latest'; TrackingIdSource = 'RepoDigest'; ImageId = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'; TrackingId = 'team/app@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210' }",
            new[] { "team/app", "latest", "RepoDigest", "0123456789ab", "fedcba987654" }
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
        Assert.Equal(expected, result.BaseObjects.Cast<string>().ToArray());
    }

    [Fact]
    public void The_reference_table_shortens_the_digest_to_algorithm_and_12_hex()
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
        Assert.Equal(new[] { "sha256:7b4a2f1e0d9c", string.Empty }, result.BaseObjects.Cast<string>().ToArray());
    }
}
