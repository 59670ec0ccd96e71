namespace ImgTrack.Inventory;

/// <summary>One item read from the cluster side: a container, or the reason an object gave none.</summary>
/// <typeparam name="T">The node type of the object tree read.</typeparam>
public readonly struct ClusterItem<T>
{
    internal ClusterItem(T source, ClusterContainer? container, string? error)
    {
        Source = source;
        Container = container;
        Error = error;
    }

    /// <summary>The object the item came from (a pod, a row, or a list's item): the error record's target.</summary>
    public T Source { get; }

    /// <summary>The container, when the object gave one.</summary>
    public ClusterContainer? Container { get; }

    /// <summary>When the object gave no container: why (it has no <c>imageID</c> and is no pod), in the user's language.</summary>
    public string? Error { get; }
}
