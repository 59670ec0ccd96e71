using System;
using ImgTrack.Tests;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// The CSV contract with identities a real engine produced (Debian's dockerd and docker-registry, started by
/// <see cref="DockerEngineFixture"/>): a pushed image with two repo digests and two tags, exported locally and
/// after remoting's depth-1 round trip with the real Export-Csv, under de-DE and en-US.
/// </summary>
[Collection(DockerEngineFixture.CollectionName)]
public sealed class CsvEngineTests
{
    private readonly DockerEngineFixture _engine;

    public CsvEngineTests(DockerEngineFixture engine) => _engine = engine;

    [EngineFact]
    public void Real_identities_export_semicolon_joined_lists_and_ISO_dates_locally_and_after_remoting_in_de_DE_and_en_US()
    {
        var unique = Guid.NewGuid().ToString("N")[..10];
        var first = $"{_engine.RegistryAddress}/csv/a{unique}:1.0";
        var second = $"{_engine.RegistryAddress}/csv/b{unique}:2.0";
        var imageId = _engine.ImportImage(first);
        _engine.Docker("tag", first, second);
        _engine.Push(first);
        _engine.Push(second);
        var digests = _engine.Docker("image", "inspect", "--format", "{{join .RepoDigests \";\"}}", first);
        var tags = _engine.Docker("image", "inspect", "--format", "{{join .RepoTags \";\"}}", first);
        Assert.Equal(2, digests.Split(';').Length);

        using var session = new PowerShellSession();
        using var folder = new CsvFolder();
        foreach (var culture in new[] { "de-DE", "en-US" })
        {
            session.Invoke(@"
param($culture, $dockerHost, $name, $folder)
[System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo($culture)
$identity = Get-ImageIdentity -Name $name -DockerHost $dockerHost
$copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($identity, 1))
$identity | Export-Csv -LiteralPath (Join-Path $folder ""local-$culture.csv"") -NoTypeInformation
$copy | Export-Csv -LiteralPath (Join-Path $folder ""remote-$culture.csv"") -NoTypeInformation", culture, _engine.DockerHost, first, folder.Path).ThrowIfErrors();

            foreach (var file in new[] { $"local-{culture}.csv", $"remote-{culture}.csv" })
            {
                var csv = folder.Read(file);
                Assert.Equal(CsvContractTests.ImageIdentityColumns, csv.Columns);
                var row = csv.SingleRow;
                Assert.Equal(imageId, row["ImageId"]);
                Assert.Equal("RepoDigest", row["TrackingIdSource"]);
                Assert.Equal(digests, row["RepoDigests"]);
                Assert.Equal(tags, row["RepoTags"]);
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", row["Created"]);
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$", row["CollectedAt"]);
                Assert.All(row.Values, cell => Assert.DoesNotContain("System.", cell, StringComparison.Ordinal));
            }
        }
    }
}
