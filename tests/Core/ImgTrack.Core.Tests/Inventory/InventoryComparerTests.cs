using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ImgTrack.Inventory;
using Xunit;

namespace ImgTrack.Core.Tests.Inventory;

/// <summary>
/// The merge's Status and MatchedBy rules on inventories shaped as Get-ImageIdentity writes them (dockerd's classic
/// store: the image ID is the config digest, repo digests after push or pull) and imageIDs as each runtime reports them.
/// </summary>
public sealed class InventoryComparerTests
{
    private static readonly string s_appManifest = Digest("team/app:1 manifest");
    private static readonly string s_appConfig = Digest("team/app:1 config");
    private static readonly string s_otherManifest = Digest("moved manifest");
    private static readonly string s_otherConfig = Digest("moved config");

    internal static string Digest(string seed) =>
        "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(seed))).ToLowerInvariant();

    // An image as Get-ImageIdentity -All reports it: pulled or pushed, so its first repo digest is its tracking ID.
    internal static InventoryImage Pulled(string server, string name, string configDigest, params string[] repoDigests) =>
        new(server, name, configDigest, TrackingKey.Create(repoDigests[0]), repoDigests, new[] { name }, ImageReference.Parse(name).Reference);

    // An image loaded from a tarball: no repo digest, so its tracking ID is its image ID.
    internal static InventoryImage Loaded(string server, string name, string configDigest) =>
        new(server, name, configDigest, configDigest, null, new[] { name }, ImageReference.Parse(name).Reference);

    private static ClusterContainer Container(string image, string imageId, string pod = "web") =>
        new("default", pod, "app", "node-1", image, imageId);

    private static List<ImageInventoryComparison> Rows(IEnumerable<InventoryImage> inventory, params ClusterContainer[] containers)
    {
        var results = InventoryComparer.Run(inventory, containers).ToList();
        Assert.All(results, r => Assert.True(r.Row is not null, r.Message));
        return results.Select(r => r.Row!).ToList();
    }

    private static ImageInventoryComparison Only(IEnumerable<InventoryImage> inventory, ClusterContainer container) =>
        Rows(inventory, container).First(r => r.Status != nameof(ImageInventoryStatus.InventoryOnly));

    public static TheoryData<string, string> RuntimeForms() => new()
    {
        { "containerd, fully qualified", "docker.io/team/app@" + s_appManifest },
        { "cri-dockerd, docker-pullable:// and familiar", "docker-pullable://team/app@" + s_appManifest },
        { "Docker's familiar repo digest", "team/app@" + s_appManifest },
        { "Docker Hub's other host name", "index.docker.io/team/app@" + s_appManifest },
    };

    [Theory]
    [MemberData(nameof(RuntimeForms))]
    public void A_pulled_image_matches_by_tracking_key_in_every_runtime_form(string form, string imageId)
    {
        var row = Only(new[] { Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest) }, Container("team/app:1", imageId));

        Assert.True(row.Status == "Matched", form);
        Assert.Equal("TrackingKey", row.MatchedBy);
        Assert.Equal(new[] { "srv1" }, row.ComputerName);
        Assert.Equal(new[] { "team/app:1" }, row.InventoryName);
        Assert.Equal(new[] { "docker.io/team/app@" + s_appManifest }, row.InventoryTrackingKey);
        Assert.Equal("docker.io/team/app@" + s_appManifest, row.TrackingKey);
        Assert.Equal(imageId, row.PodImageId);
        Assert.Empty(row.StaleComputerName);
    }

    [Fact]
    public void An_image_under_two_repositories_matches_by_repo_digest_when_the_pod_names_the_repository_the_server_did_not_choose()
    {
        // The server's -All picked other/app2's digest (its first tag); the pod runs team/app:2.0 and the runtime
        // reports that repository's digest of the same manifest.
        var manifest = Digest("app2 manifest");
        var server = Pulled("srv1", "other/app2:v2", Digest("app2 config"), "other/app2@" + manifest, "team/app@" + manifest);

        var row = Only(new[] { server }, Container("team/app:2.0", "docker.io/team/app@" + manifest));

        Assert.Equal("Matched", row.Status);
        Assert.Equal("RepoDigest", row.MatchedBy);
        Assert.Equal(new[] { "docker.io/other/app2@" + manifest }, row.InventoryTrackingKey);
    }

    [Fact]
    public void The_same_after_a_CSV_round_trip_where_RepoDigests_is_one_semicolon_joined_cell()
    {
        var manifest = Digest("app2 manifest");
        var csvRow = new InventoryImage(
            "srv1", "other/app2:v2", Digest("app2 config"), "docker.io/other/app2@" + manifest,
            new[] { "other/app2@" + manifest + ";team/app@" + manifest }, new[] { "other/app2:v2;team/app:2.0" }, "docker.io/other/app2:v2");

        var row = Only(new[] { csvRow }, Container("team/app:2.0", "docker-pullable://team/app@" + manifest));

        Assert.Equal(("Matched", "RepoDigest"), (row.Status, row.MatchedBy));
    }

    [Theory]
    [InlineData("a mirror", "mirror.example.com/library/nginx")]
    [InlineData("a pull-through cache on a port", "127.0.0.1:5000/cache/nginx")]
    [InlineData("the lexically first repository containerd reports", "docker.io/library/aaa-nginx")]
    public void The_same_manifest_under_another_repository_matches_by_digest(string why, string repository)
    {
        var manifest = Digest("nginx manifest");
        var server = Pulled("srv1", "nginx:1.25", Digest("nginx config"), "nginx@" + manifest);

        var row = Only(new[] { server }, Container("nginx:1.25", repository + "@" + manifest));

        Assert.True(row.Status == "Matched", why);
        Assert.Equal("Digest", row.MatchedBy);
        Assert.Equal(new[] { "srv1" }, row.ComputerName);
    }

    [Fact]
    public void An_index_digest_matches_every_server_that_pulled_the_index_whatever_its_architecture()
    {
        // dockerd's classic store records the index digest as the repo digest of a multi-platform pull; the image ID is
        // the config of the one platform pulled, so the amd64 and arm64 servers hold two images (two inventory groups).
        var index = Digest("multi index");
        var amd64 = Pulled("amd64-srv", "team/multi:1", Digest("multi amd64 config"), "team/multi@" + index);
        var arm64 = Pulled("arm64-srv", "team/multi:1", Digest("multi arm64 config"), "team/multi@" + index);

        var rows = Rows(new[] { amd64, arm64 }, Container("team/multi:1", "docker.io/team/multi@" + index));

        var row = Assert.Single(rows);
        Assert.Equal(("Matched", "TrackingKey"), (row.Status, row.MatchedBy));
        Assert.Equal(new[] { "amd64-srv", "arm64-srv" }, row.ComputerName);
    }

    public static TheoryData<string, string> ImageIdForms()
    {
        var config = Digest("loaded config");
        return new()
        {
            { "containerd, bare sha256:", config },
            { "cri-dockerd, docker://", "docker://" + config },
            { "CRI-O, 64 hex", config.Substring("sha256:".Length) },
        };
    }

    [Theory]
    [MemberData(nameof(ImageIdForms))]
    public void A_loaded_image_without_repo_digest_matches_by_image_id_also_when_that_is_the_servers_tracking_key(string form, string imageId)
    {
        var config = Digest("loaded config");
        var row = Only(new[] { Loaded("srv1", "team/loaded:1", config) }, Container("team/loaded:1", imageId));

        Assert.True(row.Status == "Matched", form);
        Assert.Equal("ImageId", row.MatchedBy);
        Assert.Equal(config, row.TrackingKey);
    }

    [Fact]
    public void A_bare_image_id_matches_a_pulled_server_image_by_its_image_id()
    {
        var row = Only(new[] { Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest) }, Container("team/app:1", s_appConfig));

        Assert.Equal(("Matched", "ImageId"), (row.Status, row.MatchedBy));
    }

    [Fact]
    public void A_moved_tag_is_TagMoved_with_the_stale_server_and_that_servers_image_is_InventoryOnly()
    {
        var server = Pulled("srv1", "team/moving:1", s_otherConfig, "team/moving@" + s_otherManifest);

        var rows = Rows(new[] { server }, Container("team/moving:1", "docker.io/team/moving@" + Digest("moving B")));

        Assert.Equal(2, rows.Count);
        Assert.Equal("TagMoved", rows[0].Status);
        Assert.Null(rows[0].MatchedBy);
        Assert.Empty(rows[0].ComputerName);
        Assert.Equal(new[] { "srv1" }, rows[0].StaleComputerName);
        Assert.Equal("InventoryOnly", rows[1].Status);
        Assert.Equal(new[] { "srv1" }, rows[1].ComputerName);
    }

    [Fact]
    public void Matched_on_one_server_wins_over_stale_on_another_which_is_listed_as_stale()
    {
        var current = Digest("moving B");
        var rows = Rows(
            new[]
            {
                Pulled("old-srv", "team/moving:1", s_otherConfig, "team/moving@" + s_otherManifest),
                Pulled("new-srv", "team/moving:1", Digest("moving B config"), "team/moving@" + current),
            },
            Container("team/moving:1", "docker.io/team/moving@" + current));

        Assert.Equal(("Matched", "TrackingKey"), (rows[0].Status, rows[0].MatchedBy));
        Assert.Equal(new[] { "new-srv" }, rows[0].ComputerName);
        Assert.Equal(new[] { "old-srv" }, rows[0].StaleComputerName);
        Assert.Equal(("InventoryOnly", "old-srv"), (rows[1].Status, rows[1].ComputerName.Single()));
    }

    [Fact]
    public void A_pod_spec_pinned_by_digest_has_no_tag_that_could_have_moved()
    {
        var pinned = Digest("pinned");
        var row = Only(
            new[] { Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest) },
            Container("team/app:1@" + pinned, "docker.io/team/app@" + pinned));

        Assert.Equal("ClusterOnly", row.Status);
        Assert.Empty(row.StaleComputerName);
    }

    [Fact]
    public void A_name_alone_never_matches()
    {
        // Same name and tag, same repository, but other content: no digest in common.
        var server = Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest);
        var row = Only(new[] { server }, Container("registry.example.com/team/app:1", "registry.example.com/team/app@" + Digest("elsewhere")));

        Assert.Equal("ClusterOnly", row.Status);
        Assert.Empty(row.ComputerName);
        Assert.Empty(row.InventoryName);
    }

    [Fact]
    public void The_first_rule_that_holds_is_reported_and_every_server_holding_the_content_is_listed()
    {
        var manifest = Digest("shared manifest");
        var rows = Rows(
            new[]
            {
                Pulled("mirror-srv", "mirror.example.com/team/shared:1", Digest("shared config"), "mirror.example.com/team/shared@" + manifest),
                Pulled("hub-srv", "team/shared:1", Digest("shared config"), "team/shared@" + manifest),
            },
            Container("team/shared:1", "docker.io/team/shared@" + manifest));

        var row = Assert.Single(rows);
        Assert.Equal("TrackingKey", row.MatchedBy);
        Assert.Equal(new[] { "hub-srv", "mirror-srv" }, row.ComputerName);
        Assert.Equal(new[] { "team/shared:1", "mirror.example.com/team/shared:1" }, row.InventoryName);
    }

    [Fact]
    public void Server_lists_hold_each_host_once_whatever_its_case_in_order_without_case_and_one_match_does_not_leak_into_the_next()
    {
        // Host names compare without case: one entry per host (the matched list keeps the first spelling in inventory
        // order), sorted without case, and the servers of one lookup never appear in the lists of the next.
        var manifest = Digest("fleet manifest");
        var moved = Digest("fleet moved");
        var rows = Rows(
            new[]
            {
                Pulled("web-B", "team/fleet:1", Digest("fleet config"), "team/fleet@" + manifest),
                Pulled("WEB-a", "team/fleet:1", Digest("fleet config"), "team/fleet@" + manifest),
                Pulled("web-b", "team/fleet:1", Digest("fleet config"), "team/fleet@" + manifest),
                Pulled("Web-C", "team/fleet:1", Digest("fleet old config"), "team/fleet@" + moved),
                Pulled("web-c", "team/fleet:1", Digest("fleet old config"), "team/fleet@" + moved),
            },
            Container("team/fleet:1", "docker.io/team/fleet@" + manifest, "first"),
            Container("team/fleet:1", "docker.io/team/fleet@" + moved, "second"));

        Assert.Equal(new[] { "WEB-a", "web-B" }, rows[0].ComputerName);
        Assert.Equal("web-c", Assert.Single(rows[0].StaleComputerName), ignoreCase: true);
        Assert.Equal(new[] { "Web-C" }, rows[1].ComputerName);
        Assert.Equal(new[] { "web-a", "web-b" }, rows[1].StaleComputerName.Select(n => n.ToLowerInvariant()));
    }

    [Fact]
    public void An_unknown_image_is_ClusterOnly_and_a_waiting_container_is_Pending()
    {
        var inventory = new[] { Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest) };
        var rows = Rows(
            inventory,
            Container("team/other:1", "docker.io/team/other@" + Digest("other")),
            Container("team/app:1", string.Empty, pod: "starting"),
            Container("team/app:1", "docker.io/team/app@" + s_appManifest));

        Assert.Equal(new[] { "ClusterOnly", "Pending", "Matched" }, rows.Select(r => r.Status));
        Assert.Null(rows[1].TrackingKey);
        Assert.Equal(string.Empty, rows[1].PodImageId);
        Assert.Empty(rows[1].ComputerName);
    }

    [Fact]
    public void Inventory_only_rows_are_one_per_server_and_image_id()
    {
        var manifest = Digest("idle manifest");
        var config = Digest("idle config");
        var asked = Pulled("srv1", "team/idle:1", config, "team/idle@" + manifest);
        var askedAgain = Pulled("SRV1", "team/idle:latest", config, "team/idle@" + manifest);
        var elsewhere = Pulled("srv2", "team/idle:1", config, "team/idle@" + manifest);

        var rows = Rows(new[] { asked, askedAgain, elsewhere });

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(("InventoryOnly", (string?)null, (string?)null), (r.Status, r.MatchedBy, r.Pod)));
        Assert.Equal(new[] { "srv1" }, rows[0].ComputerName);
        Assert.Equal(new[] { "team/idle:1", "team/idle:latest" }, rows[0].InventoryName);
        Assert.Equal(new[] { "srv2" }, rows[1].ComputerName);
    }

    [Fact]
    public void Docker_containerd_store_images_match_by_their_index_digest_image_id()
    {
        // Docker 29's containerd store reports the index digest as the image ID (ImageIdKind Index).
        var index = Digest("store index");
        var server = new InventoryImage("srv1", "team/store:1", index, index, null, new[] { "team/store:1" }, "docker.io/team/store:1", imageIdKind: "Index");

        var row = Only(new[] { server }, Container("team/store:1", "docker.io/team/store@" + index));

        Assert.Equal(("Matched", "Digest"), (row.Status, row.MatchedBy));
    }

    [Fact]
    public void Bad_rows_are_errors_in_their_place_and_the_rest_goes_on()
    {
        var results = InventoryComparer.Run(
            new[]
            {
                new InventoryImage("srv1", "broken", null, null),
                new InventoryImage("srv1", "broken key", null, "not a key"),
                Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest),
            },
            new[]
            {
                Container("team/app:1", "team/app:1"),
                new ClusterContainer("default", "row", null, null, null, null),
                Container("team/app:1", "docker.io/team/app@" + s_appManifest),
            }).ToList();

        Assert.Equal(
            new ComparisonError?[] { ComparisonError.InvalidInventoryImage, ComparisonError.InvalidInventoryImage, ComparisonError.InvalidTrackingId, ComparisonError.ImageIdMissing, null },
            results.Select(r => r.Error));
        Assert.Contains("neither an ImageId nor a TrackingKey", results[0].Message, StringComparison.Ordinal);
        Assert.Contains("TrackingKey is unusable", results[1].Message, StringComparison.Ordinal);
        Assert.Contains("'team/app:1' names an image but has no digest", results[2].Message, StringComparison.Ordinal);
        Assert.Equal("Matched", results[4].Row!.Status);
    }

    [Fact]
    public void Containers_with_the_same_image_id_share_one_lookup_and_get_the_same_answer()
    {
        var comparer = new InventoryComparer();
        Assert.Null(comparer.Add(Pulled("srv1", "team/app:1", s_appConfig, "team/app@" + s_appManifest)));

        var first = comparer.Compare(Container("team/app:1", "docker.io/team/app@" + s_appManifest, pod: "a")).Row!;
        var second = comparer.Compare(Container("team/app:1", "docker-pullable://team/app@" + s_appManifest, pod: "b")).Row!;

        Assert.Equal(("a", "b"), (first.Pod, second.Pod));
        Assert.Same(first.ComputerName, second.ComputerName);
        Assert.Empty(comparer.InventoryOnly());
        Assert.Throws<InvalidOperationException>(() => comparer.Add(Loaded("srv2", "late:1", s_otherConfig)));
    }

    [Fact]
    public void The_columns_are_in_the_contract_order()
    {
        var names = typeof(ImageInventoryComparison).GetProperties().Select(p => p.Name);
        Assert.Equal(
            new[] { "Status", "MatchedBy", "Namespace", "Pod", "Container", "Node", "PodImage", "PodImageId", "TrackingKey", "ComputerName", "InventoryName", "InventoryTrackingKey", "StaleComputerName" },
            names);
        Assert.True(typeof(ImageInventoryComparison).IsSealed);
        Assert.All(typeof(ImageInventoryComparison).GetProperties(), p => Assert.False(p.CanWrite));
    }
}
