namespace ImgTrack;

/// <summary>How a cluster container or an inventory image compares (<see cref="ImageInventoryComparison.Status"/>,
/// held as the value's name so that Export-Csv and ConvertTo-Json write the name).</summary>
public enum ImageInventoryStatus
{
    /// <summary>At least one inventoried server holds the content the container runs.</summary>
    Matched,

    /// <summary>No server holds the content the container runs, but some hold other content under the pod spec's
    /// name:tag: the tag was moved since those servers pulled it (they are listed as stale).</summary>
    TagMoved,

    /// <summary>No server holds the content the container runs, nor anything under its name:tag.</summary>
    ClusterOnly,

    /// <summary>An inventory image (one server, one image ID) that no cluster container runs.</summary>
    InventoryOnly,

    /// <summary>The container waits: Kubernetes reports no <c>imageID</c> yet, so there is no content to compare.</summary>
    Pending,
}
