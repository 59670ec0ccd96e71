using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace ImgTrack.PowerShell.Tests;

/// <summary>
/// Compare-ImageInventory in a real runspace: every shape of inventory (live identities, Import-Csv rows, deserialized
/// objects, hashtables) and of cluster input (a kubectl List, pods one by one, -AsHashtable, imageID rows, -ClusterPath)
/// binds and gives the same rows; bad items are error records in their place.
/// </summary>
public sealed class CompareImageInventoryCmdletTests
{
    private const string Manifest = "sha256:7b4a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4030";
    private const string Config = "sha256:dca5b3e1d2c0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e665a3";
    private const string Moved = "sha256:0eefa899a816bf75b072f1c002a9a6d620d2cde73983fee2380533571eb99d20";

    // A live identity as Get-ImageIdentity -All writes it for an image pushed to two repositories: the server chose
    // other/app2's digest; the pod runs team/app:2.0 and reports that repository.
    private const string Identity = @"
$digests = [ImgTrack.ValueList]::new([string[]]@('other/app2@" + Manifest + @"', 'team/app@" + Manifest + @"'))
$tags = [ImgTrack.ValueList]::new([string[]]@('other/app2:v2', 'team/app:2.0'))
$identity = [ImgTrack.ImageIdentity]::new('other/app2:v2', [ImgTrack.ImageReference]::Parse('other/app2:v2'), '" + Config + @"',
    'other/app2@" + Manifest + @"', 'other/app2@" + Manifest + @"', 'RepoDigest', 'docker.io/other/app2@" + Manifest + @"',
    $digests, $tags, $null, 'linux', 'amd64', 1000, 'srv1', [ImgTrack.UtcTimestamp]::Now)
";

    // kubectl get pods -A -o json: one pod running team/app:2.0 (status.image names the other repository, as
    // containerd does), a waiting init container, and labels that differ only by case.
    private const string PodsJson = @"{""apiVersion"":""v1"",""kind"":""List"",""items"":[
 {""metadata"":{""namespace"":""shop"",""name"":""web-1"",""labels"":{""app"":""web"",""App"":""Web""}},
  ""spec"":{""nodeName"":""node-1"",""initContainers"":[{""name"":""init"",""image"":""busybox:1.36""}],""containers"":[{""name"":""web"",""image"":""team/app:2.0""}]},
  ""status"":{""containerStatuses"":[{""name"":""web"",""image"":""docker.io/other/app2:v2"",""imageID"":""docker.io/team/app@" + Manifest + @"""}]}},
 {""metadata"":{""namespace"":""shop"",""name"":""job-1""},
  ""spec"":{""nodeName"":""node-2"",""containers"":[{""name"":""job"",""image"":""other/app2:v2""}]},
  ""status"":{""containerStatuses"":[{""name"":""job"",""image"":""other/app2:v2"",""imageID"":""docker.io/other/app2@" + Moved + @"""}]}}]}";

    private static readonly string[] s_expected = { "shop/web-1/init:Pending::", "shop/web-1/web:Matched:RepoDigest:srv1", "shop/job-1/job:TagMoved::" };

    private static string Prop(PSObject o, string name) => o.Properties[name]?.Value?.ToString() ?? string.Empty;

    private static PowerShellResult Run(string inventory, string call)
    {
        using var session = new PowerShellSession();
        session.SetVariable("podsJson", PodsJson);
        session.SetVariable("plainJson", PodsJson.Replace(",\"App\":\"Web\"", string.Empty, StringComparison.Ordinal));
        return session.Invoke(Identity + inventory + "\n" + call);
    }

    public static TheoryData<string, string> InventoryShapes() => new()
    {
        { "live identity", "$inventory = @($identity)" },
        { "Import-Csv row", "$path = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.csv'); $identity | Export-Csv -LiteralPath $path -NoTypeInformation; $inventory = @(Import-Csv -LiteralPath $path); Remove-Item -LiteralPath $path" },
        { "deserialized (remoting)", "$inventory = @([System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($identity)))" },
        { "hashtable", "$inventory = @(@{ ComputerName = 'srv1'; Name = 'other/app2:v2'; ImageId = '" + Config + "'; TrackingKey = 'docker.io/other/app2@" + Manifest + "'; RepoDigests = @('other/app2@" + Manifest + "', 'team/app@" + Manifest + "'); RepoTags = 'other/app2:v2;team/app:2.0' })" },
    };

    [Theory]
    [MemberData(nameof(InventoryShapes))]
    public void Every_inventory_shape_binds_and_gives_the_same_rows(string shape, string inventory)
    {
        var result = Run(inventory, "Compare-ImageInventory -Inventory $inventory -Cluster ($podsJson | ConvertFrom-Json -AsHashtable)").ThrowIfErrors();

        var rows = result.Output.Select(o => Prop(o, "Namespace") + "/" + Prop(o, "Pod") + "/" + Prop(o, "Container") + ":" + Prop(o, "Status") + ":" + Prop(o, "MatchedBy") + ":" + Prop(o, "ComputerName")).ToArray();
        Assert.True(s_expected.SequenceEqual(rows), shape + ": " + string.Join(", ", rows));
        Assert.All(result.Output, o => Assert.Equal("ImgTrack.ImageInventoryComparison", o.BaseObject.GetType().FullName));
        Assert.Equal("srv1", Prop(result.Output[2], "StaleComputerName"));
    }

    public static TheoryData<string, string> ClusterShapes() => new()
    {
        { "the List from ConvertFrom-Json", "Compare-ImageInventory -Inventory $identity -Cluster ($plainJson | ConvertFrom-Json)" },
        { "the List piped", "$plainJson | ConvertFrom-Json | Compare-ImageInventory -Inventory $identity" },
        { "pods piped one by one", "($plainJson | ConvertFrom-Json).items | Compare-ImageInventory -Inventory $identity" },
        { "hashtables from -AsHashtable, piped", "($podsJson | ConvertFrom-Json -AsHashtable).items | Compare-ImageInventory -Inventory $identity" },
        { "-ClusterPath", "$path = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString() + '.json'); Set-Content -LiteralPath $path -Value $podsJson; $identity | Compare-ImageInventory -ClusterPath $path; Remove-Item -LiteralPath $path" },
        { "imageID rows", "@([pscustomobject]@{ namespace = 'shop'; pod = 'web-1'; container = 'init'; image = 'busybox:1.36'; imageID = '' }, [pscustomobject]@{ namespace = 'shop'; pod = 'web-1'; container = 'web'; image = 'team/app:2.0'; imageID = 'docker.io/team/app@" + Manifest + "' }, [pscustomobject]@{ namespace = 'shop'; pod = 'job-1'; container = 'job'; image = 'other/app2:v2'; ImageID = 'docker-pullable://other/app2@" + Moved + "' }) | Compare-ImageInventory -Inventory $identity" },
    };

    [Theory]
    [MemberData(nameof(ClusterShapes))]
    public void Every_cluster_shape_binds_and_gives_the_same_rows(string shape, string call)
    {
        var result = Run(string.Empty, call).ThrowIfErrors();

        var rows = result.Output.Select(o => Prop(o, "Namespace") + "/" + Prop(o, "Pod") + "/" + Prop(o, "Container") + ":" + Prop(o, "Status") + ":" + Prop(o, "MatchedBy") + ":" + Prop(o, "ComputerName")).ToArray();
        Assert.True(s_expected.SequenceEqual(rows), shape + ": " + string.Join(", ", rows));
    }

    [Fact]
    public void Labels_that_differ_only_by_case_break_ConvertFrom_Json_which_is_why_AsHashtable_and_ClusterPath_exist()
    {
        // ConvertFrom-Json refuses keys that differ only by case; the shapes above that need it get the JSON without
        // the second label, and -AsHashtable and -ClusterPath read it as it is.
        var result = Run(string.Empty, "$podsJson | ConvertFrom-Json");
        Assert.True(result.TerminatingError is not null || result.Errors.Count > 0, "ConvertFrom-Json accepted keys that differ only by case");
    }

    [Fact]
    public void A_row_without_imageID_is_ImageIdMissing_with_the_row_as_target_and_the_rest_goes_on()
    {
        var result = Run(string.Empty, "[pscustomobject]@{ pod = 'odd'; image = 'nginx' }, [pscustomobject]@{ kind = 'Deployment'; metadata = @{ name = 'web' } }, [pscustomobject]@{ pod = 'p'; imageID = 'nginx:1.25' }, [pscustomobject]@{ pod = 'ok'; imageID = '" + Config + "' } | Compare-ImageInventory -Inventory $identity");

        Assert.Equal(new[] { "Matched" }, result.Output.Select(o => Prop(o, "Status")));
        Assert.Equal(
            new[] { "ImageIdMissing,ImgTrack.Commands.CompareImageInventoryCommand", "ImageIdMissing,ImgTrack.Commands.CompareImageInventoryCommand", "InvalidTrackingId,ImgTrack.Commands.CompareImageInventoryCommand" },
            result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category));
        Assert.Equal("odd", ((PSObject)result.Errors[0].TargetObject).Properties["pod"].Value);
        Assert.Contains("is a Deployment, not a Pod", result.Errors[1].ToString(), StringComparison.Ordinal);
        Assert.Contains("'nginx:1.25' names an image but has no digest", result.Errors[2].ToString(), StringComparison.Ordinal);
        Assert.NotNull(result.Errors[0].ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void An_inventory_row_that_identifies_no_image_is_InvalidInventoryImage()
    {
        var result = Run(string.Empty, "Compare-ImageInventory -Inventory ([pscustomobject]@{ Name = 'x' }), $null, $identity -Cluster ([pscustomobject]@{ imageID = '" + Config + "' })");

        Assert.Equal(new[] { "InvalidInventoryImage", "InvalidInventoryImage" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal("x", ((PSObject)result.Errors[0].TargetObject).Properties["Name"].Value);
        Assert.Equal(("Matched", "ImageId"), (Prop(result.Output.Single(), "Status"), Prop(result.Output.Single(), "MatchedBy")));
    }

    [Fact]
    public void Status_keeps_only_the_statuses_named()
    {
        var result = Run(string.Empty, "Compare-ImageInventory -Inventory $identity -Cluster ($podsJson | ConvertFrom-Json -AsHashtable) -Status TagMoved, Pending").ThrowIfErrors();
        Assert.Equal(new[] { "Pending", "TagMoved" }, result.Output.Select(o => Prop(o, "Status")));
    }

    [Fact]
    public void A_missing_or_broken_cluster_file_ends_the_run_with_its_error_ID()
    {
        var folder = Directory.CreateTempSubdirectory("imgtrack-compare-");
        try
        {
            var broken = Path.Combine(folder.FullName, "broken.json");
            File.WriteAllText(broken, PodsJson[..(PodsJson.Length / 2)]);
            var missing = Run(string.Empty, "$identity | Compare-ImageInventory -ClusterPath '" + Path.Combine(folder.FullName, "none.json") + "'");
            var invalid = Run(string.Empty, "$identity | Compare-ImageInventory -ClusterPath '" + broken + "'");

            // In a script a cmdlet's terminating error ends its statement and lands in the error stream.
            var missingError = missing.TerminatingError ?? Assert.Single(missing.Errors);
            var invalidError = invalid.TerminatingError ?? Assert.Single(invalid.Errors);
            Assert.Equal("ClusterFileUnreadable,ImgTrack.Commands.CompareImageInventoryCommand", missingError.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ReadError, missingError.CategoryInfo.Category);
            Assert.Equal("InvalidClusterFile,ImgTrack.Commands.CompareImageInventoryCommand", invalidError.FullyQualifiedErrorId);
            Assert.Contains("is not the JSON that kubectl get pods -A -o json writes", invalidError.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
