using System;
using System.Linq;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// The CSV contract (issue 4, DESIGN.md): column order, and clean cells — ';'-joined lists and ISO 8601 UTC
/// dates in every culture — both for local objects and for objects that went through remoting's
/// serialization (a PSSerializer round trip at depth 1), in the files the real Export-Csv writes.
/// </summary>
public sealed class CsvContractTests
{
    /// <summary>DESIGN.md "Property (= CSV column) order, a contract": new properties only at the end.</summary>
    public static readonly string[] ImageIdentityColumns =
    {
        "Name", "Reference", "Registry", "RegistryHost", "Port", "Repository", "Tag", "Digest", "ImageId", "RepoDigest",
        "TrackingId", "TrackingIdSource", "TrackingKey", "RepoDigests", "RepoTags", "Created", "Os", "Architecture",
        "Size", "ComputerName", "CollectedAt", "Source", "RepoDigestSource", "Platform", "ManifestDigest", "MediaType", "ImageIdKind", "ConfigDigest",
    };

    /// <summary>DESIGN.md: the ImageReference column order.</summary>
    public static readonly string[] ImageReferenceColumns =
    {
        "Original", "Registry", "RegistryHost", "Port", "Repository", "Tag", "Digest", "FullName", "FamiliarName", "Reference",
    };

    private const string ConfigHex = "dca5b3e1d2c0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e665a3";
    private const string ManifestHex = "7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030";
    private const string OtherHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // Builds one identity as Get-ImageIdentity would for a pushed image with two tags and two repo digests,
    // created at a time with a sub-second part (Docker reports nanoseconds), then exports the object itself
    // (local.csv) and its remoting copy (remote.csv) with Export-Csv, under the given culture.
    private const string BuildAndExport = @"
param($culture, $folder)
[System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo($culture)
$reference = $null
$null = [ImgTrack.ImageReference]::TryParse('127.0.0.1:5000/team/app:1.0', [ref]$reference)
$created = [ImgTrack.UtcTimestamp]::new([datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc).AddTicks(52951))
$collected = [ImgTrack.UtcTimestamp]::new([datetime]::new(2024, 3, 5, 14, 7, 9, [DateTimeKind]::Utc))
$digests = [ImgTrack.ValueList]::new([string[]]@('127.0.0.1:5000/team/app@sha256:" + ManifestHex + @"', 'mirror.example/team/app@sha256:" + OtherHex + @"'))
$tags = [ImgTrack.ValueList]::new([string[]]@('127.0.0.1:5000/team/app:1.0', 'team/app:latest'))
$identity = [ImgTrack.ImageIdentity]::new('127.0.0.1:5000/team/app:1.0', $reference, 'sha256:" + ConfigHex + @"',
    '127.0.0.1:5000/team/app@sha256:" + ManifestHex + @"', '127.0.0.1:5000/team/app@sha256:" + ManifestHex + @"',
    [ImgTrack.TrackingIdSource]::RepoDigest, '127.0.0.1:5000/team/app@sha256:" + ManifestHex + @"',
    $digests, $tags, $created, 'linux', 'amd64', [long]7340032, 'vm', $collected)
$copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($identity, 1))
# A plain DateTime next to them: Export-Csv writes it in the culture's format, which proves the culture is in force.
$control = [pscustomobject]@{ When = $created.UtcDateTime }
$identity | Export-Csv -LiteralPath (Join-Path $folder 'local.csv') -NoTypeInformation
$copy | Export-Csv -LiteralPath (Join-Path $folder 'remote.csv') -NoTypeInformation
$control | Export-Csv -LiteralPath (Join-Path $folder 'control.csv') -NoTypeInformation
";

    public static TheoryData<string, bool> CulturesAndTransports() => new()
    {
        { "en-US", false },
        { "en-US", true },
        { "de-DE", false },
        { "de-DE", true },
    };

    [Theory]
    [MemberData(nameof(CulturesAndTransports))]
    public void Export_Csv_cells_are_semicolon_joined_lists_and_ISO_8601_UTC_dates(string culture, bool afterRemoting)
    {
        using var session = new PowerShellSession();
        using var folder = new CsvFolder();
        session.Invoke(BuildAndExport, culture, folder.Path).ThrowIfErrors();
        var row = folder.Read(afterRemoting ? "remote.csv" : "local.csv").SingleRow;
        var control = folder.Read("control.csv").SingleRow["When"];

        // (en-US puts a narrow no-break space before AM under ICU, so only the date part is compared.)
        Assert.StartsWith(culture == "de-DE" ? "17.11.2022 01:39:26" : "11/17/2022 1:39:26", control, StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:5000/team/app@sha256:{ManifestHex};mirror.example/team/app@sha256:{OtherHex}", row["RepoDigests"]);
        Assert.Equal("127.0.0.1:5000/team/app:1.0;team/app:latest", row["RepoTags"]);
        Assert.Equal("2022-11-17T01:39:26.0052951Z", row["Created"]);
        Assert.Equal("2024-03-05T14:07:09.0000000Z", row["CollectedAt"]);
        Assert.Equal("RepoDigest", row["TrackingIdSource"]);
        Assert.Equal("7340032", row["Size"]);
        Assert.Equal("sha256:" + ConfigHex, row["ImageId"]);
        Assert.All(row.Values, cell => Assert.DoesNotContain("System.", cell, StringComparison.Ordinal));
        Assert.All(row.Values, cell => Assert.DoesNotContain("ImgTrack.", cell, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CulturesAndTransports))]
    public void Export_Csv_columns_of_an_identity_are_the_contract_order(string culture, bool afterRemoting)
    {
        using var session = new PowerShellSession();
        using var folder = new CsvFolder();
        session.Invoke(BuildAndExport, culture, folder.Path).ThrowIfErrors();
        var csv = folder.Read(afterRemoting ? "remote.csv" : "local.csv");
        Assert.Equal(ImageIdentityColumns, csv.Columns);
        Assert.Equal(QuotedHeader(ImageIdentityColumns), csv.HeaderLine);
    }

    [Fact]
    public void Export_Csv_columns_of_a_reference_are_the_contract_order()
    {
        // An instance made without running the parser: the column list is the type's adapted properties, which
        // is all Export-Csv looks at to write the header, and it must not wait for any particular name to parse.
        using var session = new PowerShellSession();
        using var folder = new CsvFolder();
        session.Invoke(@"
param($path)
$reference = [System.Runtime.CompilerServices.RuntimeHelpers]::GetUninitializedObject([ImgTrack.ImageReference])
$reference | Export-Csv -LiteralPath $path -NoTypeInformation", folder.File("reference.csv")).ThrowIfErrors();
        var csv = folder.Read("reference.csv");
        Assert.Equal(ImageReferenceColumns, csv.Columns);
        Assert.Equal(QuotedHeader(ImageReferenceColumns), csv.HeaderLine);
    }

    /// <summary>The header line Export-Csv writes for these columns (PowerShell 7 quotes every field by default).</summary>
    public static string QuotedHeader(string[] columns) => string.Join(",", columns.Select(c => $"\"{c}\""));

    [Fact]
    public void Without_ImgTrack_in_the_receiving_session_a_remote_list_cell_is_space_joined_and_the_documented_fix_restores_it()
    {
        // The engine writes any enumerable as a list before it consults SerializationMethod, so the sending side
        // cannot make RepoDigests travel as one string. This pins what a collecting machine without ImgTrack sees,
        // and the one-line fix about_ImgTrack gives for it.
        string xml;
        using (var sender = new PowerShellSession())
        {
            xml = (string)sender.Invoke(@"
$identity = [ImgTrack.ImageIdentity]::new('team/app:1.0', $null, 'sha256:" + ConfigHex + @"', $null, 'sha256:" + ConfigHex + @"',
    [ImgTrack.TrackingIdSource]::ImageId, 'sha256:" + ConfigHex + @"', [ImgTrack.ValueList]::Empty,
    [ImgTrack.ValueList]::new([string[]]@('team/app:1.0', 'team/app:latest')), $null, 'linux', 'amd64', [long]1, 'vm', [ImgTrack.UtcTimestamp]::Now)
[System.Management.Automation.PSSerializer]::Serialize($identity, 1)").ThrowIfErrors().BaseObjects.Single();
        }

        using var receiver = new PowerShellSession(importModule: false);
        using var folder = new CsvFolder();
        receiver.Invoke(@"
param($xml, $folder)
$copy = [System.Management.Automation.PSSerializer]::Deserialize($xml)
$copy | Export-Csv -LiteralPath (Join-Path $folder 'as-received.csv') -NoTypeInformation
$fixed = $copy | ForEach-Object { $_.RepoDigests = @($_.RepoDigests) -join ';'; $_.RepoTags = @($_.RepoTags) -join ';'; $_ }
$fixed | Export-Csv -LiteralPath (Join-Path $folder 'fixed.csv') -NoTypeInformation", xml, folder.Path).ThrowIfErrors();

        Assert.Equal("team/app:1.0 team/app:latest", folder.Read("as-received.csv").SingleRow["RepoTags"]);
        var fixedCsv = folder.Read("fixed.csv");
        Assert.Equal("team/app:1.0;team/app:latest", fixedCsv.SingleRow["RepoTags"]);
        Assert.Equal(ImageIdentityColumns, fixedCsv.Columns);
    }

    // Created and CollectedAt are ISO 8601 UTC text (issue 7, section 5: so that a plain ConvertTo-Json writes that
    // text, as Export-Csv does), locally just as after remoting or Import-Csv. Comparing with a date therefore takes
    // a [datetimeoffset] cast, which reads the Z as UTC; without one, PowerShell compares text (pinned below, it
    // is why the help says to cast). The fixed-width text itself compares and sorts in time order.
    public static TheoryData<string, bool> DateComparisons() => new()
    {
        { "$identity.Created -is [string] -and $identity.CollectedAt -is [string]", true },
        { "$identity.Created -ceq '2022-11-17T01:39:26.0000000Z'", true },
        { "[datetimeoffset]$identity.Created -lt [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)", true },
        { "[datetimeoffset]$identity.Created -gt [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)", false },
        { "[datetimeoffset]$identity.Created -eq [datetimeoffset]::new(2022, 11, 17, 1, 39, 26, [timespan]::Zero)", true },
        { "([datetimeoffset]$identity.Created).UtcDateTime -eq [datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc)", true },
        { "[datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc) -gt $identity.Created", true },
        { "$identity.Created -lt $identity.CollectedAt", true },
        { "$identity.Created -lt [datetime]::new(2023, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)", false },
    };

    [Theory]
    [MemberData(nameof(DateComparisons))]
    public void Created_is_ISO_text_that_compares_with_dates_after_a_datetimeoffset_cast(string comparison, bool expected)
    {
        using var session = new PowerShellSession();
        var result = session.Invoke(@"
$identity = [ImgTrack.ImageIdentity]::new('team/app:1.0', $null, 'sha256:" + ConfigHex + @"', $null, 'sha256:" + ConfigHex + @"',
    [ImgTrack.TrackingIdSource]::ImageId, 'sha256:" + ConfigHex + @"', [ImgTrack.ValueList]::Empty, [ImgTrack.ValueList]::Empty,
    [ImgTrack.UtcTimestamp]::new([datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc)), 'linux', 'amd64', [long]1, 'vm', [ImgTrack.UtcTimestamp]::Now)
" + comparison).ThrowIfErrors();
        Assert.Equal(expected, Assert.Single(result.BaseObjects));
    }

    [Fact]
    public void Created_sorts_by_time_in_the_pipeline_and_as_text_after_remoting()
    {
        // Sort-Object compares with LanguagePrimitives.Compare; after remoting (or Import-Csv) Created is text,
        // so the text must sort in time order too: 26Z before 26.5Z, which a trimmed fraction gets wrong.
        using var session = new PowerShellSession();
        var result = session.Invoke(@"
$base = [datetime]::new(2022, 11, 17, 1, 39, 26, [DateTimeKind]::Utc)
$times = @([ImgTrack.UtcTimestamp]::new($base.AddMilliseconds(500)), [ImgTrack.UtcTimestamp]::new($base), [ImgTrack.UtcTimestamp]::new($base.AddSeconds(-1)))
$list = [System.Collections.Generic.List[object]]::new([object[]]$times)
$list.Sort([System.Comparison[object]] { param($a, $b) [System.Management.Automation.LanguagePrimitives]::Compare($a, $b) })
, [string[]]@($list | ForEach-Object { $_.ToString() })
$texts = [string[]]@($times | ForEach-Object { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_, 1)) })
[Array]::Sort($texts, [System.StringComparer]::Ordinal)
, $texts").ThrowIfErrors();
        var expected = new[] { "2022-11-17T01:39:25.0000000Z", "2022-11-17T01:39:26.0000000Z", "2022-11-17T01:39:26.5000000Z" };
        Assert.Equal(expected, (string[])result.Output[0].BaseObject);
        Assert.Equal(expected, (string[])result.Output[1].BaseObject);
    }
}
