namespace ImgTrack.Inventory;

/// <summary>One container as Kubernetes records it: where it runs, the image its pod spec names, and the
/// <c>imageID</c> its status reports (copied by the kubelet from the runtime's <c>ContainerStatus.image_ref</c>).</summary>
public sealed class ClusterContainer
{
    /// <summary>Creates a container record.</summary>
    /// <param name="ns">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="container">The container's name.</param>
    /// <param name="node">The node's name.</param>
    /// <param name="image">The pod spec's image for the container.</param>
    /// <param name="imageId">The status's <c>imageID</c>: empty while the container waits, null when the record has none at all.</param>
    public ClusterContainer(string? ns, string? pod, string? container, string? node, string? image, string? imageId)
    {
        Namespace = ns;
        Pod = pod;
        Container = container;
        Node = node;
        Image = image;
        ImageId = imageId;
    }

    /// <summary>The pod's namespace.</summary>
    public string? Namespace { get; }

    /// <summary>The pod's name.</summary>
    public string? Pod { get; }

    /// <summary>The container's name.</summary>
    public string? Container { get; }

    /// <summary>The node's name.</summary>
    public string? Node { get; }

    /// <summary>The pod spec's image.</summary>
    public string? Image { get; }

    /// <summary>The raw <c>imageID</c>; empty while the container waits; null when the record carries no imageID.</summary>
    public string? ImageId { get; }
}
