using ImgTrack.Inventory;

namespace ImgTrack;

/// <summary>
/// One row of the merge of server inventories with what a Kubernetes cluster runs: one per cluster container, and one
/// per inventory image (per server and image ID) that no container runs. The property order is the CSV column order, a
/// public contract: add new properties only at the end.
/// </summary>
/// <remarks>
/// As on <see cref="ImageIdentity"/>, every property is a string or a <see cref="ValueList"/>: <see cref="Status"/> and
/// <see cref="MatchedBy"/> hold enum names, so a plain ConvertTo-Json writes the names that Export-Csv writes, and the
/// server lists are one <c>;</c>-joined cell in a CSV and an array in JSON.
/// </remarks>
public sealed class ImageInventoryComparison
{
    internal ImageInventoryComparison(
        ImageInventoryStatus status,
        ImageInventoryMatch? matchedBy,
        ClusterContainer? container,
        string? trackingKey,
        ValueList computerName,
        ValueList inventoryName,
        ValueList inventoryTrackingKey,
        ValueList staleComputerName)
    {
        Status = status.ToString();
        MatchedBy = matchedBy?.ToString();
        Namespace = container?.Namespace;
        Pod = container?.Pod;
        Container = container?.Container;
        Node = container?.Node;
        PodImage = container?.Image;
        PodImageId = container?.ImageId;
        TrackingKey = trackingKey;
        ComputerName = computerName;
        InventoryName = inventoryName;
        InventoryTrackingKey = inventoryTrackingKey;
        StaleComputerName = staleComputerName;
    }

    /// <summary>The name of an <see cref="ImageInventoryStatus"/> value: <c>Matched</c>, <c>TagMoved</c>, <c>ClusterOnly</c>,
    /// <c>InventoryOnly</c> or <c>Pending</c>.</summary>
    public string Status { get; }

    /// <summary>For <c>Matched</c>, the name of the first <see cref="ImageInventoryMatch"/> rule that holds
    /// (<c>TrackingKey</c>, <c>RepoDigest</c>, <c>Digest</c>, <c>ImageId</c>); otherwise null.</summary>
    public string? MatchedBy { get; }

    /// <summary>The pod's namespace; null for an inventory-only row.</summary>
    public string? Namespace { get; }

    /// <summary>The pod's name.</summary>
    public string? Pod { get; }

    /// <summary>The container's name (containers, init containers and ephemeral containers alike).</summary>
    public string? Container { get; }

    /// <summary>The node the pod is scheduled on.</summary>
    public string? Node { get; }

    /// <summary>The image the pod spec names for this container (not <c>status.image</c>, which containerd may fill with
    /// another repository's tag of the same image).</summary>
    public string? PodImage { get; }

    /// <summary>The container's <c>imageID</c> exactly as Kubernetes reports it; empty while the container waits.</summary>
    public string? PodImageId { get; }

    /// <summary>The cluster side's tracking key: <see cref="PodImageId"/> in the canonical form <c>ConvertTo-TrackingKey</c> gives.</summary>
    public string? TrackingKey { get; }

    /// <summary>Every inventoried server that holds the content (for an inventory-only row, its one server).</summary>
    public ValueList ComputerName { get; }

    /// <summary>The inventory's <c>Name</c> of the matched images (distinct values).</summary>
    public ValueList InventoryName { get; }

    /// <summary>The inventory's <c>TrackingKey</c> of the matched images (distinct values).</summary>
    public ValueList InventoryTrackingKey { get; }

    /// <summary>Servers that hold other content under the pod spec's name:tag: their copy of the tag is stale.</summary>
    public ValueList StaleComputerName { get; }

    /// <summary>The status.</summary>
    public override string ToString() => Status;
}
