using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ImgTrack.Inventory;
using Xunit;

namespace ImgTrack.Core.Tests.Inventory;

/// <summary>The -ClusterPath reader on files shaped as <c>kubectl get pods -A -o json</c> writes them.</summary>
public sealed class ClusterFileTests
{
    private static readonly string s_digest = InventoryComparerTests.Digest("web manifest");
    private static readonly string s_config = InventoryComparerTests.Digest("web config");

    // One running pod with an init container done, an ephemeral debug container, labels that differ only by case,
    // and a sidecar that has not started (no status yet).
    private static string Pod(string name, string extra = "") => $$$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"{{{name}}}","namespace":"shop","labels":{"app":"web","App":"Web"},"annotations":{"note":"{{{extra}}}"}},
         "spec":{"nodeName":"node-7",
           "initContainers":[{"name":"migrate","image":"team/migrate:3"}],
           "containers":[{"name":"web","image":"team/web:1.0"},{"name":"sidecar","image":"team/sidecar:2"}],
           "ephemeralContainers":[{"name":"debugger","image":"busybox:1.36"}]},
         "status":{"phase":"Running",
           "initContainerStatuses":[{"name":"migrate","image":"docker.io/team/migrate:3","imageID":"{{{s_config}}}"}],
           "containerStatuses":[{"name":"web","image":"docker.io/other/web:latest","imageID":"docker.io/team/web@{{{s_digest}}}"}],
           "ephemeralContainerStatuses":[{"name":"debugger","image":"docker.io/library/busybox:1.36","imageID":""}]}}
        """;

    private static string List(params string[] pods) => "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"},\"items\":[" + string.Join(",", pods) + "]}";

    private static ClusterItem<JsonElement>[] Read(string json, Encoding? encoding = null) =>
        ClusterFile.Read(new MemoryStream((encoding ?? new UTF8Encoding(false)).GetPreamble().Concat((encoding ?? Encoding.UTF8).GetBytes(json)).ToArray()), "pods.json").ToArray();

    [Fact]
    public void Every_container_kind_is_read_with_the_spec_image_and_the_status_imageID()
    {
        var containers = Read(List(Pod("web-1"))).Select(i => i.Container!).ToList();

        Assert.Equal(new[] { "migrate", "web", "sidecar", "debugger" }, containers.Select(c => c.Container));
        Assert.All(containers, c => Assert.Equal(("shop", "web-1", "node-7"), (c.Namespace, c.Pod, c.Node)));
        Assert.Equal(new[] { "team/migrate:3", "team/web:1.0", "team/sidecar:2", "busybox:1.36" }, containers.Select(c => c.Image));
        Assert.Equal(new[] { s_config, "docker.io/team/web@" + s_digest, string.Empty, string.Empty }, containers.Select(c => c.ImageId));
    }

    [Fact]
    public void Pods_are_read_across_chunk_boundaries_including_a_pod_larger_than_the_buffer()
    {
        var pods = Enumerable.Range(0, 600).Select(i => Pod("web-" + i, i == 300 ? new string('x', 300_000) : "")).ToArray();

        var items = Read(List(pods));

        Assert.Equal(600 * 4, items.Length);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => "web-" + i), items.Where(i => i.Container!.Container == "web").Select(i => i.Container!.Pod));
    }

    [Fact]
    public void The_first_pods_come_before_the_file_is_read_to_its_end()
    {
        // Streaming: a 20,000-container file is never held whole, only the chunk around the current pod.
        var bytes = Encoding.UTF8.GetBytes(List(Enumerable.Range(0, 3000).Select(i => Pod("web-" + i)).ToArray()));
        using var stream = new MemoryStream(bytes);

        using var items = ClusterFile.Read(stream, "pods.json").GetEnumerator();
        Assert.True(items.MoveNext());

        Assert.True(bytes.Length > 2_000_000, bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(stream.Position <= 128 * 1024, $"read {stream.Position} of {bytes.Length} bytes before the first pod");
    }

    [Fact]
    public void A_single_pod_and_an_array_of_pods_are_read_too()
    {
        Assert.Equal(4, Read(Pod("alone")).Length);
        Assert.Equal(8, Read("[" + Pod("a") + "," + Pod("b") + "]").Length);
    }

    [Fact]
    public void Items_after_the_list_metadata_or_before_it_are_read_the_same()
    {
        var itemsFirst = "{\"items\":[" + Pod("first") + "],\"kind\":\"List\",\"apiVersion\":\"v1\"}";
        Assert.Equal(4, Read(itemsFirst).Length);
    }

    [Fact]
    public void A_UTF8_BOM_and_Windows_PowerShell_5_1s_UTF16_redirection_are_read()
    {
        Assert.Equal(4, Read(List(Pod("bom")), new UTF8Encoding(true)).Length);
        Assert.Equal(4, Read(List(Pod("utf16")), Encoding.Unicode).Length);
    }

    [Fact]
    public void Rows_with_an_imageID_and_objects_of_another_kind_are_read_as_rows_and_errors()
    {
        var json = "[{\"namespace\":\"ns\",\"pod\":\"p\",\"container\":\"c\",\"image\":\"nginx:1.25\",\"imageID\":\"" + s_config + "\"},"
            + "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"}},{\"name\":\"no image id\"}]";

        var items = Read(json);

        Assert.Equal(("ns", "p", "c", "nginx:1.25", s_config), (items[0].Container!.Namespace, items[0].Container!.Pod, items[0].Container!.Container, items[0].Container!.Image, items[0].Container!.ImageId));
        Assert.Contains("is a Deployment, not a Pod", items[1].Error, StringComparison.Ordinal);
        Assert.Contains("has no imageID and is no pod", items[2].Error, StringComparison.Ordinal);
        Assert.Equal("no image id", items[2].Source.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"items\":[{\"metadata\":")]
    [InlineData("\"just text\"")]
    [InlineData("{\"items\":[} ")]
    public void Broken_JSON_is_a_ClusterFileException_naming_the_file(string json)
    {
        var ex = Assert.Throws<ClusterFileException>(() => Read(json));
        Assert.Contains("'pods.json' is not the JSON that kubectl get pods -A -o json writes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pods_before_a_break_are_returned_before_the_exception()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"items\":[" + Pod("good") + ",{\"metadata\":");
        var read = 0;
        Assert.Throws<ClusterFileException>(() =>
        {
            foreach (var unused in ClusterFile.Read(new MemoryStream(bytes), "pods.json"))
            {
                read++;
            }
        });
        Assert.Equal(4, read);
    }

    [Fact]
    public void The_file_compares_like_the_objects()
    {
        var path = Path.Combine(Path.GetTempPath(), "imgtrack-pods-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, List(Pod("web-1")));
        try
        {
            var inventory = new[] { InventoryComparerTests.Pulled("srv1", "team/web:1.0", s_config, "team/web@" + s_digest) };
            var rows = InventoryComparer.Run(inventory, ClusterFile.Read(path).Select(i => i.Container!)).Select(r => r.Row!).ToList();

            Assert.Equal(new[] { "Matched", "Matched", "Pending", "Pending" }, rows.Select(r => r.Status));
            Assert.Equal(new[] { "ImageId", "TrackingKey", null, null }, rows.Select(r => r.MatchedBy));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
